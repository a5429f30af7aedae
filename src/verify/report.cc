#include "verify/report.h"

#include <array>

namespace acta::verify {

std::string_view ProblemKindName(ProblemKind kind) {
  static constexpr std::array<std::string_view, 21> kNames = {"missing_file",
                                                              "malformed_file",
                                                              "checksum",
                                                              "manifest",
                                                              "entry",
                                                              "checkpoint_signature",
                                                              "checkpoint_origin",
                                                              "checkpoint_mismatch",
                                                              "checkpoint_root",
                                                              "checkpoint_beyond_log",
                                                              "shrink",
                                                              "fork",
                                                              "rollback",
                                                              "bulletin",
                                                              "conflict_not_flagged",
                                                              "csv",
                                                              "state",
                                                              "inclusion",
                                                              "table_status",
                                                              "witness_signature",
                                                              "witness_quorum"};
  auto i = static_cast<size_t>(kind);
  return i < kNames.size() ? kNames[i] : "unknown";
}

void Report::Add(Problem p) {
  ++problems_total;
  if (problems.size() < kMaxProblems) problems.push_back(std::move(p));
}

std::vector<const Problem*> Report::Of(ProblemKind kind) const {
  std::vector<const Problem*> out;
  for (const auto& p : problems) {
    if (p.kind == kind) out.push_back(&p);
  }
  return out;
}

bool Report::Has(ProblemKind kind, std::optional<uint64_t> entry, std::optional<uint32_t> table,
                 std::optional<uint64_t> checkpoint) const {
  for (const auto& p : problems) {
    if (p.kind != kind) continue;
    if (entry && p.entry != entry) continue;
    if (table && p.table != table) continue;
    if (checkpoint && p.checkpoint != checkpoint) continue;
    return true;
  }
  return false;
}

std::string FormatProblem(const Problem& p) {
  std::string out(ProblemKindName(p.kind));
  out += ":";
  if (p.checkpoint) out += " [checkpoint " + std::to_string(*p.checkpoint) + "]";
  if (p.entry) out += " [entry " + std::to_string(*p.entry) + "]";
  if (p.table) out += " [table " + std::to_string(*p.table) + "]";
  if (!p.where.empty()) out += " [" + p.where + "]";
  out += " " + p.message;
  return out;
}

std::string FormatReport(const Report& r, size_t max_problems) {
  auto line = [](std::string_view label, const std::string& value) {
    std::string s(label);
    s.resize(22, ' ');
    return s + value + "\n";
  };
  std::string out;
  out += line("election", HexEncode(r.election_id));
  out += line("manifest", r.manifest_verified ? "signature valid" : "NOT VERIFIED");
  out += line("tables", std::to_string(r.tables) + " in the manifest, " +
                            std::to_string(r.tables_counted) + " counted, " +
                            std::to_string(r.tables_conflicted) + " conflicted");
  out += line("entries",
              std::to_string(r.entries) + " read, " + std::to_string(r.entries_valid) + " valid");
  out +=
      line("checkpoints", std::to_string(r.checkpoints) + " checked, pinned size " +
                              std::to_string(r.latest_size) + " root " + HexEncode(r.latest_root));
  if (r.later_checkpoints > 0 || r.later_unproven > 0) {
    out += line(
        "later checkpoints",
        std::to_string(r.later_checkpoints) + " signed since, " +
            std::to_string(r.later_consistent) + " proven to extend it" +
            (r.later_unproven > 0 ? ", " + std::to_string(r.later_unproven) + " without a proof"
                                  : std::string()));
  }
  if (r.witnesses_listed > 0) {
    std::string names;
    for (const auto& n : r.latest_witnesses) names += (names.empty() ? "" : ", ") + n;
    out +=
        line("witnesses",
             std::to_string(r.witness_quorum) + " of " + std::to_string(r.witnesses_listed) +
                 " required; latest cosigned by " + (names.empty() ? std::string("none") : names) +
                 (r.latest_quorum ? " (quorum)" : " (BELOW QUORUM)"));
    out += line("", std::to_string(r.cosigned.size()) + " of " + std::to_string(r.checkpoints) +
                        " checkpoints carry cosignatures");
  }
  out += line("bulletins", std::to_string(r.bulletins) + " recomputed and compared");
  out += line("tables.csv", r.csv_compared ? "recomputed and compared" : "not compared");
  out += line("problems", std::to_string(r.problems_total));
  for (size_t i = 0; i < r.problems.size() && i < max_problems; ++i)
    out += "  " + FormatProblem(r.problems[i]) + "\n";
  if (r.problems_total > max_problems) {
    out += "  ... and " + std::to_string(r.problems_total - max_problems) + " more\n";
  }
  out += r.ok() ? "RESULT: everything checks out\n" : "RESULT: FAILED\n";
  return out;
}

}  // namespace acta::verify
