// Downloads everything a center publishes into a Files set: a dump
// directory (`acta dump`) or memory (`acta verify --center`). The layout is
// docs/FORMATS.md, "Dump directory".
//
// Order matters for consistency while the center keeps publishing:
// tables.csv first, then the latest checkpoint (never older than the CSV),
// then the list of checkpoints (which includes the latest), then the entry
// bundles up to the latest size and the bulletins.
//
// Resumable: immutable files already present and well-formed (entry bundles
// holding the entries their name says, bulletins of their size) are not
// fetched again; stale partial bundles are removed. Ends by writing
// dump.json and SHA256SUMS.
#pragma once

#include <cstdint>
#include <string>

#include "terminal/http_client.h"
#include "verify/files.h"
#include "verify/verifier.h"

namespace acta::verify {

struct FetchOptions {
  // Every checkpoint's bulletin (the center replays the log for old ones);
  // otherwise only the latest checkpoint's.
  bool all_bulletins = false;
  std::string center_url;  // recorded in dump.json
  ProgressFn progress;     // stage "fetch"
};

struct FetchStats {
  uint64_t fetched = 0;  // files downloaded
  uint64_t skipped = 0;  // files already present and well-formed
  uint64_t bytes = 0;    // bytes downloaded
  uint64_t latest_size = 0;
};

// Errors: the client's (kUnavailable...), kNotFound/kUnavailable for an
// HTTP error status (message names the path and status), kMalformed when
// the latest checkpoint does not parse, Files write errors.
[[nodiscard]] Result<FetchStats> FetchCenter(http::HttpClient& client, Files& files,
                                             const FetchOptions& options);

}  // namespace acta::verify
