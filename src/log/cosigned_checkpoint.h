// The one check of a checkpoint as readers get it (/checkpoint, a mirror's
// copy, a witness's GET .../checkpoint): a signed note carrying the log's
// signature and any number of witness cosignatures. Used by the verifier,
// the center (for what witnesses return), the mirror and the monitor.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/keys.h"
#include "core/manifest.h"
#include "log/checkpoint.h"
#include "log/quorum.h"

namespace acta::log {

struct CosignedCheckpoint {
  Checkpoint checkpoint;
  size_t log_key = 0;                 // index into log_keys of a key that signed it
  std::vector<NoteSigner> witnesses;  // index into the policy's keys, with cosignature time
  bool quorum = false;                // witnesses.size() >= policy threshold
};

// Parses `note` and checks it: a valid signature by one of `log_keys` (none
// of theirs failing), the origin, then the cosignatures of `witnesses`' keys
// (unknown keys ignored). A checkpoint below quorum is returned with
// quorum == false, not refused: callers decide. Errors: kMalformed (note or checkpoint text),
// kBadSignature (no valid log signature, or any failing signature by a log
// or witness key), kWrongElection (origin differs from expected_origin).
[[nodiscard]] Result<CosignedCheckpoint> VerifyCosignedCheckpoint(
    std::string_view note, std::span<const VerifierKey> log_keys, std::string_view expected_origin,
    const SignerQuorum& witnesses);

// The manifest's witness policy: its witnesses' keys in manifest order and
// its quorum. No keys and threshold 0 for a manifest without witnesses.
[[nodiscard]] SignerQuorum WitnessQuorum(const Manifest& manifest);

// VerifyCosignedCheckpoint against a manifest: its center keys, its
// election's origin and its witness policy (`witnesses` index
// manifest.witnesses). The one check shared by the verifier, the monitor,
// the mirror and the center.
[[nodiscard]] Result<CosignedCheckpoint> VerifyCheckpointForManifest(std::string_view note,
                                                                     const Manifest& manifest);

}  // namespace acta::log
