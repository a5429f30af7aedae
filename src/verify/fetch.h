// Downloads everything a center publishes into a Files set: a dump
// directory (`acta dump`) or memory (`acta verify --center`). The layout is
// docs/FORMATS.md, "Dump directory".
//
// A live log keeps growing while it is fetched, so one checkpoint is pinned
// (the latest at start, or the one of options.pin_size) and stored as
// `checkpoint`: entries, bulletins and the CSV are fetched up to it, and
// every checkpoint listed after it is later news, only proven consistent
// with it (proof/consistency/<pinned>-<later>.json). Order: tables.csv
// first, then the latest checkpoint (never older than the CSV), then the
// list (which includes it), then the bundles up to the pinned size, the
// consistency proofs and the bulletins. A bundle the center does not serve
// (404) is left missing for the verifier to report: a checkpoint beyond the
// log is the center's fault, not a fetch failure.
//
// Resumable: immutable files already present and well-formed (entry bundles
// holding the entries their name says, bulletins of their size) are not
// fetched again; stale partial bundles are removed. Ends by writing
// dump.json and SHA256SUMS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "terminal/http_client.h"
#include "verify/files.h"
#include "verify/verifier.h"

namespace acta::verify {

struct FetchOptions {
  // Every checkpoint's bulletin (the center replays the log for old ones);
  // otherwise only the latest checkpoint's.
  bool all_bulletins = false;
  std::string center_url;  // recorded in dump.json
  // Pin the checkpoint of this size instead of the latest (the last one
  // listed with that size).
  std::optional<uint64_t> pin_size;
  // Without pin_size: pin the newest checkpoint that carries the manifest's
  // witness quorum (acta verify --require-witnesses). Witnesses cosign a
  // checkpoint a moment after the center signs it, so on a live log the
  // newest one may not have it yet; later ones are then proven to extend the
  // pin like any other. With no such checkpoint, the latest is pinned (and
  // the verifier reports it below quorum).
  bool pin_cosigned = false;
  // Sizes remembered by the verifier's state: those beyond the pinned size
  // get a consistency proof too, so a pin below them is not a rollback.
  std::vector<uint64_t> remembered_sizes;
  ProgressFn progress;  // stage "fetch"
};

struct FetchStats {
  uint64_t fetched = 0;            // files downloaded
  uint64_t skipped = 0;            // files already present and well-formed
  uint64_t bytes = 0;              // bytes downloaded
  uint64_t latest_size = 0;        // the pinned checkpoint's size
  uint64_t later_checkpoints = 0;  // listed after the pinned one
  // With pin_cosigned: whether the pinned checkpoint carries the manifest's
  // witness quorum (false: no published checkpoint does, the latest is
  // pinned).
  bool pinned_quorum = false;
};

// Errors: the client's (kUnavailable...), kNotFound/kUnavailable for an
// HTTP error status (message names the path and status), kMalformed when
// the latest checkpoint does not parse, kNotFound when no listed checkpoint
// has pin_size, Files write errors.
[[nodiscard]] Result<FetchStats> FetchCenter(http::HttpClient& client, Files& files,
                                             const FetchOptions& options);

}  // namespace acta::verify
