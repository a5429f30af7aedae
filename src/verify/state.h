// What a verifier remembers between runs: checkpoints it has already seen
// verified. A later run checks the log still extends every one of them, so
// a center that rewrites history (a fork) or shrinks its log (a rollback)
// is caught even if it re-signs everything consistently.
//
// File (JSON, one object):
//   {"format":"acta-verify-state-v1","origin":"acta/<hex>",
//    "checkpoints":[{"size":N,"root":"<64 hex>","note":"<signed note>"}...]}
// sorted by size, one entry per size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::verify {

struct RememberedCheckpoint {
  uint64_t size = 0;
  Hash256 root{};
  std::string note;
  bool operator==(const RememberedCheckpoint&) const = default;
};

struct VerifierState {
  std::string origin;  // empty in a new state
  std::vector<RememberedCheckpoint> checkpoints;

  // Adds a checkpoint (replacing nothing: a second root for a known size is
  // the caller's problem to report, so Remember refuses it with kConflict).
  [[nodiscard]] Status Remember(RememberedCheckpoint cp);
};

// A missing file is an empty state. Errors: kMalformed, kIo.
[[nodiscard]] Result<VerifierState> LoadVerifierState(const std::string& path);
[[nodiscard]] Status SaveVerifierState(const std::string& path, const VerifierState& state);
[[nodiscard]] Result<VerifierState> ParseVerifierState(std::string_view json);
[[nodiscard]] std::string SerializeVerifierState(const VerifierState& state);

}  // namespace acta::verify
