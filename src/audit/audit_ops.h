// The three audit operations over files: plan from the published log into
// an audit directory, record a round's hand counts, and verify a directory
// against the published log. `acta audit` and `acta demo --audit` call
// these; a center only serves the directory's files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_dir.h"
#include "verify/files.h"

namespace acta::audit {

struct PlanRequest {
  uint64_t checkpoint_size = 0;
  std::string contest_id;
  std::string risk_limit = "0.05";
  std::string seed;
};

// Reads the log at the checkpoint (verify/pinned_log.h), runs round 1's
// draw and writes the directory. Errors: LoadPinnedLog's, kNotFound for an
// unknown contest, RunAudit's, kAlreadyExists when `dir` already holds an
// audit.json (an audit is never silently replaced), write errors.
[[nodiscard]] Result<Audit> PlanAudit(const verify::Files& log, const PlanRequest& request,
                                      verify::Files& dir);

// Adds the pending round's hand counts and rewrites the directory (the next
// round's sample when it escalates). Errors: LoadAuditInputs', the CSV's
// kMalformed, kFailedPrecondition when the audit has ended, RunAudit's
// kInvalidArgument when the counts do not cover exactly the round's tables.
// Nothing is written on error.
[[nodiscard]] Result<Audit> RecordHandCounts(verify::Files& dir, std::string_view hand_counts_csv,
                                             std::string_view file_name);

struct AuditVerification {
  Audit audit;                        // recomputed from the log and the hand counts
  std::vector<std::string> problems;  // empty: everything matches
  bool ok() const { return problems.empty(); }
};

// Recomputes the audit from the published log and the directory's inputs
// and compares every file byte for byte: the pinned checkpoint must be
// published and signed with the same root and note, reported.csv must be
// the log's, and audit.json, every round's sample, team list and hand
// counts must be what RunAudit renders. Errors (nothing could be compared):
// LoadAuditInputs', LoadPinnedLog's, RunAudit's.
[[nodiscard]] Result<AuditVerification> VerifyAuditDir(const verify::Files& log,
                                                       const verify::Files& dir);

}  // namespace acta::audit
