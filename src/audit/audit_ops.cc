#include "audit/audit_ops.h"

#include "audit/contest_report.h"
#include "verify/pinned_log.h"

namespace acta::audit {
namespace {

struct LogReport {
  verify::PinnedLog log;
  ContestReport report;
};

Result<LogReport> ReportAt(const verify::Files& files, uint64_t size, std::string_view contest) {
  auto log = verify::LoadPinnedLog(files, size);
  if (!log) return std::unexpected(log.error());
  auto report = ReportFromTally(*log->tally, contest);
  if (!report) return std::unexpected(report.error());
  return LogReport{std::move(*log), std::move(*report)};
}

}  // namespace

Result<Audit> PlanAudit(const verify::Files& log, const PlanRequest& request, verify::Files& dir) {
  if (dir.Read(kAuditJson)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "the audit directory already holds an audit.json; plan into a new one");
  }
  auto at = ReportAt(log, request.checkpoint_size, request.contest_id);
  if (!at) return std::unexpected(at.error());
  AuditParameters params;
  params.election_id = at->log.manifest->election_id;
  params.contest_id = at->report.contest_id;
  params.risk_limit = request.risk_limit;
  params.seed = request.seed;
  params.checkpoint_size = at->log.checkpoint.size;
  params.checkpoint_root = at->log.checkpoint.root;
  params.checkpoint_note = at->log.note;
  auto audit = RunAudit(at->report, params, {});
  if (!audit) return std::unexpected(audit.error());
  ACTA_RETURN_IF_ERROR(WriteAuditDir(dir, RenderAuditDir(*audit, at->report, {})));
  return audit;
}

Result<Audit> RecordHandCounts(verify::Files& dir, std::string_view hand_counts_csv,
                               std::string_view file_name) {
  auto in = LoadAuditInputs(dir);
  if (!in) return std::unexpected(in.error());
  auto counts = ParseHandCountsCsv(hand_counts_csv, file_name, in->report);
  if (!counts) return std::unexpected(counts.error());
  auto before = RunAudit(in->report, in->params, in->recorded);
  if (!before) return std::unexpected(before.error());
  if (before->status != AuditStatus::kInProgress) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the audit has ended (" + std::string(AuditStatusName(before->status)) +
                         "): no round awaits hand counts");
  }
  in->recorded.push_back(std::move(*counts));
  auto audit = RunAudit(in->report, in->params, in->recorded);
  if (!audit) return std::unexpected(audit.error());
  ACTA_RETURN_IF_ERROR(WriteAuditDir(dir, RenderAuditDir(*audit, in->report, in->recorded)));
  return audit;
}

Result<AuditVerification> VerifyAuditDir(const verify::Files& log, const verify::Files& dir) {
  auto in = LoadAuditInputs(dir);
  if (!in) return std::unexpected(in.error());
  auto at = ReportAt(log, in->params.checkpoint_size, in->params.contest_id);
  if (!at) return std::unexpected(at.error());
  AuditVerification v;
  auto problem = [&](std::string p) { v.problems.push_back(std::move(p)); };
  if (in->params.election_id != at->log.manifest->election_id)
    problem("audit.json: election " + HexEncode(in->params.election_id) + " is not the log's " +
            HexEncode(at->log.manifest->election_id));
  if (in->params.checkpoint_root != at->log.checkpoint.root)
    problem("audit.json: pinned root " + HexEncode(in->params.checkpoint_root) +
            " differs from the published checkpoint's " + HexEncode(at->log.checkpoint.root));
  if (in->params.checkpoint_note != at->log.note)
    problem("audit.json: the pinned checkpoint note differs from the published one");
  if (in->report != at->report)
    problem("reported.csv: differs from the log's report of contest " + in->params.contest_id);

  // Everything derived is rendered from the log's report, never the file's.
  auto audit = RunAudit(at->report, in->params, in->recorded);
  if (!audit) return std::unexpected(audit.error());
  const auto want = RenderAuditDir(*audit, at->report, in->recorded);
  for (const auto& [path, content] : want) {
    auto have = dir.Read(path);
    if (!have)
      problem(path + ": missing");
    else if (AsChars(*have) != content)
      problem(path + ": differs from the recomputed file");
  }
  for (const std::string& path : dir.List()) {
    if (!want.contains(path) && path.starts_with("round-"))
      problem(path + ": belongs to no round of the recomputed audit");
  }
  v.audit = std::move(*audit);
  return v;
}

}  // namespace acta::audit
