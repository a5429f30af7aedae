// A running witness: its key, its durable state, and its HTTP listener
// (witness_handler.h), wired together. `acta witness`, the demo and the
// tests all run this same object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "center/http/server.h"
#include "core/clock.h"
#include "core/cosigner_keys.h"
#include "core/manifest.h"
#include "witness/witness.h"
#include "witness/witness_handler.h"
#include "witness/witness_state.h"

namespace acta::witness {

struct WitnessServiceOptions {
  std::string state_path;  // SQLite file, created if missing
  std::vector<FollowedLog> logs;
  std::vector<std::string> listen = {"127.0.0.1:0"};
  int threads = 1;
  std::optional<http::TlsFiles> tls;
};

// The log of an election: origin acta/<election id>, signed by any of the
// manifest's center keys.
[[nodiscard]] FollowedLog FollowManifest(const Manifest& manifest);

class WitnessService {
 public:
  // Errors: kInvalidArgument (no log, one origin twice, a log without keys),
  // the state's errors (kIo...), the listener's (bind failure).
  [[nodiscard]] static Result<std::unique_ptr<WitnessService>> Start(NamedCosignerKey key,
                                                                     WitnessServiceOptions options,
                                                                     const Clock& clock);
  // With the cosigning key behind a Signer (a PKCS#11 token), as `name`.
  [[nodiscard]] static Result<std::unique_ptr<WitnessService>> Start(
      std::string name, std::shared_ptr<const Signer> signer, WitnessServiceOptions options,
      const Clock& clock);
  ~WitnessService();

  uint16_t port() const { return server_->port(); }
  Witness& witness() { return *witness_; }
  // Stops the listener, answers what is queued. Idempotent.
  void Stop();

 private:
  WitnessService() = default;
  std::unique_ptr<WitnessState> state_;
  std::unique_ptr<Witness> witness_;
  std::unique_ptr<WitnessHandler> handler_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace acta::witness
