// The audit directory (docs/FORMATS.md, "Audit directory"): what
// `acta audit plan` writes, `acta audit record` extends and `acta audit
// verify` recomputes, and what a center publishes read-only.
//
//   audit.json                 parameters, margins, bounds, every round
//   checkpoint                 the pinned signed checkpoint note
//   reported.csv               the contest's per-table report at the checkpoint
//   round-<k>/sample.csv       round k's draws
//   round-<k>/teams.txt        the tables to count, per voting center, printable
//   round-<k>/hand_counts.csv  round k's hand counts, once recorded
//
// The inputs are audit.json's parameters, reported.csv (itself checked
// against the log by verify) and the hand counts; every other byte is
// rendered from RunAudit's result, so verify compares files byte for byte.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "verify/files.h"

namespace acta::audit {

inline constexpr char kAuditJson[] = "audit.json";
inline constexpr char kAuditFormat[] = "acta-audit-v1";
inline constexpr char kCheckpointFile[] = "checkpoint";
inline constexpr char kReportedCsv[] = "reported.csv";
std::string RoundPath(uint32_t round, std::string_view file);  // "round-2/sample.csv"

// reported.csv: "table,region,region_name,state,registered,ballots,error_bound,<candidate ids>"
// state is "counted" or "uncounted"; error_bound is w_p (u_p x 2^32) in decimal.
std::string ReportedCsv(const ContestReport& report, std::span<const Weight> weights);
// Errors: kMalformed with "reported.csv:LINE: why".
[[nodiscard]] Result<ContestReport> ParseReportedCsv(std::string_view text,
                                                     std::string_view contest_id);

// Hand counts: "table,<candidate ids in manifest order>", one row per table.
std::string HandCountsCsv(const ContestReport& report, const HandCounts& counts);
// Errors: kMalformed with "FILE:LINE: why" (bad header, number, duplicate or
// unknown table).
[[nodiscard]] Result<HandCounts> ParseHandCountsCsv(std::string_view text, std::string_view file,
                                                    const ContestReport& report);

// Every file of the directory, rendered: path -> content.
std::map<std::string, std::string> RenderAuditDir(const Audit& audit, const ContestReport& report,
                                                  std::span<const HandCounts> recorded);

// What the directory holds as inputs.
struct AuditInputs {
  AuditParameters params;
  ContestReport report;
  std::vector<HandCounts> recorded;  // round-1, round-2... while present
};
// Errors: kNotFound (no audit.json), kMalformed naming the file and field.
[[nodiscard]] Result<AuditInputs> LoadAuditInputs(const verify::Files& dir);

// Writes every rendered file (atomically each). Errors: kIo.
[[nodiscard]] Status WriteAuditDir(verify::Files& dir,
                                   const std::map<std::string, std::string>& files);

}  // namespace acta::audit
