// Reads what a witness last cosigned for a log: C2SP tlog-witness's
// GET <witness URL>/<hex SHA-256 of the origin>/checkpoint, which answers
// the log's checkpoint note with the witness's cosignature line. The
// monitor asks it when a checkpoint stays below the witness quorum, to tell
// a witness that is merely behind from one that holds another tree (a
// split view). One HTTP client per witness URL, made on first use.
// Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/manifest.h"
#include "terminal/http_client.h"

namespace acta::verify {

class WitnessReader {
 public:
  // `origin`: the log's origin (log::LogOrigin of the election id);
  // `ca_file`: PEM CAs for https witnesses (empty: the system's).
  WitnessReader(std::string origin, std::string ca_file = "");

  // The note the witness serves. Errors: the client's (kUnavailable...),
  // kNotFound when the witness has cosigned nothing of this log (404),
  // kUnavailable for any other status.
  [[nodiscard]] Result<std::string> Latest(const ManifestWitness& witness);

 private:
  const std::string path_;  // "/<hex>/checkpoint"
  const std::string ca_file_;
  std::map<std::string, std::unique_ptr<http::HttpClient>> clients_;  // by URL
};

}  // namespace acta::verify
