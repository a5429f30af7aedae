// Checkpoints signed after the pinned one: the log went on growing while the
// verifier read it. They are not judged against entries it never fetched;
// each must be a signed extension of the pinned checkpoint, shown by the
// center's consistency proof. The same holds for remembered checkpoints
// beyond the pinned size (a verifier pinned below its state).
#include <nlohmann/json.hpp>

#include "core/strict_json.h"
#include "log/proof.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify::internal {
namespace {

using nlohmann::json;

Result<std::vector<Hash256>> ReadProof(const Files& files, uint64_t from, uint64_t to) {
  const std::string path = ConsistencyProofPath(from, to);
  auto data = files.Read(path);
  if (!data) return std::unexpected(data.error());
  auto hashes = ParseConsistencyProofJson(*data, from, to);
  if (!hashes) return MakeError(hashes.error().code, path + ": " + hashes.error().message);
  return hashes;
}

// Whether (size, root) extends the pinned checkpoint; problems reported
// under `label`. Returns false when no proof is at hand.
bool ProveExtends(const Files& files, const Report& pinned, uint64_t size, const Hash256& root,
                  const std::string& label, Report& report) {
  auto proof = ReadProof(files, pinned.latest_size, size);
  if (!proof) {
    if (proof.error().code == ErrorCode::kNotFound) return false;
    report.Add({ProblemKind::kMalformedFile,
                proof.error().message,
                {},
                {},
                size,
                ConsistencyProofPath(pinned.latest_size, size),
                proof.error().code});
    return true;
  }
  auto st = log::VerifyConsistency(pinned.latest_size, size, *proof, pinned.latest_root, root);
  if (!st) {
    report.Add({ProblemKind::kFork,
                label + " (size " + std::to_string(size) + ", root " + HexEncode(root) +
                    ") does not extend the pinned checkpoint (size " +
                    std::to_string(pinned.latest_size) + ", root " + HexEncode(pinned.latest_root) +
                    "): " + st.error().message,
                {},
                {},
                size,
                ConsistencyProofPath(pinned.latest_size, size),
                st.error().code});
  }
  return true;
}

}  // namespace

Result<std::vector<Hash256>> ParseConsistencyProofJson(ByteSpan data, uint64_t from, uint64_t to) {
  json j = json::parse(AsChars(data), nullptr, false);
  if (!j.is_object() || !j.contains("hashes") || !j["hashes"].is_array() ||
      JsonUint(j, "from") != from || JsonUint(j, "to") != to)
    return MakeError(ErrorCode::kMalformed, "not a consistency proof from " + std::to_string(from) +
                                                " to " + std::to_string(to));
  std::vector<Hash256> hashes;
  for (const auto& h : j["hashes"]) {
    if (!h.is_string()) return MakeError(ErrorCode::kMalformed, "a proof hash is not a string");
    auto decoded = HexDecodeFixed<32>(h.get<std::string>());
    if (!decoded) return MakeError(ErrorCode::kMalformed, "a proof hash is not 64 hex digits");
    hashes.push_back(*decoded);
  }
  return hashes;
}

void CheckLaterCheckpoints(const Files& files, std::span<const PublishedCp> checkpoints,
                           const VerifierState* state, Report& report) {
  uint64_t largest = report.latest_size;
  for (const auto& cp : checkpoints) {
    if (!cp.after_pin) continue;
    ++report.later_checkpoints;
    if (!cp.parsed || cp.size <= report.latest_size) {
      // Covered by the entries read: CheckTree judged its root.
      ++report.later_consistent;
      continue;
    }
    largest = std::max(largest, cp.size);
    const std::string label = "checkpoint #" + std::to_string(cp.index);
    if (!ProveExtends(files, report, cp.size, cp.root, label, report)) {
      ++report.later_unproven;
    } else {
      ++report.later_consistent;
    }
  }
  if (state == nullptr) return;
  for (const auto& rem : state->checkpoints) {
    if (rem.size <= report.latest_size) continue;  // CheckTree judges it against the entries
    if (rem.size > largest) {
      report.Add({ProblemKind::kRollback,
                  "a checkpoint of size " + std::to_string(rem.size) + " (root " +
                      HexEncode(rem.root) +
                      ") was seen before, but the largest checkpoint published now has size " +
                      std::to_string(largest),
                  {},
                  {},
                  rem.size,
                  {},
                  {}});
      continue;
    }
    if (!ProveExtends(files, report, rem.size, rem.root, "the remembered checkpoint", report))
      ++report.later_unproven;
  }
}

}  // namespace acta::verify::internal
