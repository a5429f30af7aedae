// How a log (the center's CosignatureCollector) reaches one witness: a POST
// of an add-checkpoint body (add_checkpoint.h) to <submission
// prefix>/add-checkpoint (C2SP tlog-witness). Over HTTP in production; tests
// may put a witness behind it in process, or a liar.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace acta::witness {

struct WitnessReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

class WitnessTransport {
 public:
  virtual ~WitnessTransport() = default;
  // Errors: kUnavailable (no answer), kInvalidArgument (bad URL).
  [[nodiscard]] virtual Result<WitnessReply> AddCheckpoint(std::string_view body) = 0;
};

// POSTs to `url` + "/add-checkpoint" with one kept-alive connection (3 s to
// connect, 10 s per request, answers up to 64 KiB). Errors: kInvalidArgument
// for a bad URL or CA file.
[[nodiscard]] Result<std::unique_ptr<WitnessTransport>> HttpWitnessTransport(
    const std::string& url, const std::string& ca_file = "");

}  // namespace acta::witness
