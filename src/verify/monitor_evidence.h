// The evidence a monitor saves when it proves a problem: a dump directory
// (dump_layout.h) holding exactly the signed notes, entries, proofs and
// published files involved, so that `acta verify --dump DIR` reproduces the
// verdict offline, plus evidence.json (the alarm) and, for a receipt, the
// receipt itself.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "verify/files.h"

namespace acta::verify {

struct Evidence {
  std::string pinned_note;  // the dump's "checkpoint"
  // checkpoints.json in this order: note and created_at_ms (0: unknown).
  std::vector<std::pair<std::string, int64_t>> listed;
  uint64_t entries = 0;  // entries [0, entries) copied from the monitor's own log
  // Entries as the source served them, from index served_from on (they
  // replace the held ones from there).
  uint64_t served_from = 0;
  std::vector<Bytes> served;
  // Further files (path in the dump layout, bytes): a bulletin, a proof, a receipt.
  std::vector<std::pair<std::string, Bytes>> files;
};

// Writes `evidence` into `dir` (created): the manifest and entries from
// `held` (the monitor's own log), then the rest; ends with evidence.json =
// `alarm` and SHA256SUMS. Errors: kIo, the held files' errors.
[[nodiscard]] Status WriteEvidence(const std::string& dir, const Files& held,
                                   const Evidence& evidence, const nlohmann::json& alarm);

}  // namespace acta::verify
