// A C2SP tlog-witness (https://c2sp.org/tlog-witness): it cosigns a log's
// checkpoint only if the checkpoint extends the latest one it cosigned for
// that log, so a log cannot show two different histories to two parties
// that both require this witness's cosignature.
//
// AddCheckpoint answers, as the spec asks:
//   200  cosignature line(s) (text/x.tlog.cosignature... plain text)
//   400  malformed body or checkpoint, or old size above the checkpoint size
//   403  no valid signature by a key the witness trusts for the origin, or a
//        signature by such a key that fails
//   404  unknown origin
//   409  old size is not the size it last cosigned (body "<size>\n",
//        Content-Type text/x.tlog.size)
//   422  bad consistency proof, a different root at the same size, a
//        non-empty proof from size 0, or a size-0 tree with a non-empty root
//   500  the state could not be read or made durable (nothing cosigned)
// The new state is durable (fsynced) before a 200 goes out. A refused but
// validly signed checkpoint (422) is kept as evidence.
//
// Thread-safe: every call runs under one mutex, so the check of the old size
// and the write of the new checkpoint are atomic.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/cosigner_keys.h"
#include "core/keys.h"
#include "core/signer.h"
#include "witness/witness_state.h"

namespace acta::witness {

// A log the witness follows: its origin line and the keys it trusts to sign
// that log's checkpoints (an acta election: every center key of the manifest).
struct FollowedLog {
  std::string origin;
  std::vector<VerifierKey> keys;
};

struct WitnessAnswer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct WitnessCounters {
  uint64_t cosigned = 0;
  uint64_t refused = 0;       // any 4xx
  uint64_t conflicts = 0;     // 409
  uint64_t inconsistent = 0;  // 422
  uint64_t failed = 0;        // 5xx
};

class Witness {
 public:
  // REQUIRES: state and clock outlive this object.
  Witness(NamedCosignerKey key, std::vector<FollowedLog> logs, WitnessState& state,
          const Clock& clock);
  // The cosigning key through a Signer (a key in a PKCS#11 token), cosigning
  // as `name`.
  Witness(std::string name, std::shared_ptr<const Signer> signer, std::vector<FollowedLog> logs,
          WitnessState& state, const Clock& clock);

  // POST <prefix>/add-checkpoint with `body`.
  WitnessAnswer AddCheckpoint(std::string_view body);
  // GET <prefix>/<origin hash>/checkpoint: the latest cosigned checkpoint of
  // the log whose SHA-256(origin), in lowercase hex, is `origin_hash`; 404
  // when unknown or never cosigned.
  WitnessAnswer LatestCheckpoint(std::string_view origin_hash);

  CosignerKey verifier() const { return verifier_; }
  const std::vector<FollowedLog>& logs() const { return logs_; }
  WitnessCounters counters() const;

  // Evidence rows kept per log at most (a misbehaving log cannot fill the disk).
  static constexpr uint64_t kMaxEvidencePerLog = 1000;

 private:
  WitnessAnswer Add(std::string_view body);
  const FollowedLog* FindLog(std::string_view origin) const;
  void Refuse422(const std::string& origin, std::string_view why, std::string_view note);

  const std::string name_;
  const std::shared_ptr<const Signer> signer_;
  const CosignerKey verifier_;
  const std::vector<FollowedLog> logs_;
  WitnessState& state_;
  const Clock& clock_;
  mutable std::mutex mu_;  // guards state_ and counters_
  WitnessCounters counters_;
};

}  // namespace acta::witness
