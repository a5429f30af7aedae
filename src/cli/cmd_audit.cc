// `acta audit plan|record|verify`: a batch-comparison risk-limiting audit
// with each table as a batch (src/audit/, docs/FORMATS.md "Audit").
#include <cstdio>
#include <memory>

#include "audit/audit_ops.h"
#include "audit/fetch_audit.h"
#include "cli/command.h"
#include "core/file.h"
#include "terminal/http_client.h"
#include "verify/fetch.h"

namespace acta::cli {
namespace {

struct AuditCliOptions {
  std::string center;
  std::string dump;
  std::string ca_file;
  std::string dir;
  uint64_t checkpoint = 0;
  std::string contest;
  std::string risk_limit = "0.05";
  std::string seed;
  std::string hand_counts;
  bool published = false;
};

Result<std::unique_ptr<http::HttpClient>> Client(const AuditCliOptions& o) {
  http::HttpClientOptions co;
  co.base_url = o.center;
  co.ca_file = o.ca_file;
  co.max_response_bytes = 256 * 1024 * 1024;
  return http::HttpClient::Create(co);
}

// The published log: a dump directory, or everything fetched from a center
// into memory.
Result<std::unique_ptr<verify::Files>> PublishedLog(const AuditCliOptions& o) {
  if (!o.dump.empty()) return std::make_unique<verify::DirectoryFiles>(o.dump);
  auto client = Client(o);
  if (!client) return std::unexpected(client.error());
  auto files = std::make_unique<verify::MemoryFiles>();
  verify::FetchOptions fo;
  fo.center_url = o.center;
  auto stats = verify::FetchCenter(**client, *files, fo);
  if (!stats) return std::unexpected(stats.error());
  return files;
}

bool OneLogSource(const AuditCliOptions& o, const char* sub) {
  if (o.center.empty() != o.dump.empty()) return true;
  std::fprintf(stderr, "acta audit %s: give exactly one of --center URL or --dump DIR\n", sub);
  return false;
}

void PrintAudit(const audit::Audit& a, const std::string& dir) {
  const auto& m = a.margins;
  std::printf("audit of contest %s, risk limit %s, seed %s\n", a.params.contest_id.c_str(),
              a.params.risk_limit.c_str(), a.params.seed.c_str());
  std::printf("  pinned to checkpoint size %llu, root %s\n",
              static_cast<unsigned long long>(a.params.checkpoint_size),
              HexEncode(a.params.checkpoint_root).c_str());
  std::printf("  registered voters of tables without a counted acta: %llu\n",
              static_cast<unsigned long long>(m.unreported));
  if (a.total_weight > 0) {
    std::printf("  U = %.4f over %llu tables\n", a.total_bound,
                static_cast<unsigned long long>(a.tables_with_bound));
  }
  for (const audit::Round& r : a.rounds) {
    size_t discrepancies = 0;
    for (const auto& t : r.results) discrepancies += t.discrepancy.error > 0 ? 1 : 0;
    std::printf("  round %u: draws %llu..%llu, %zu tables to hand count", r.number,
                static_cast<unsigned long long>(r.first_draw),
                static_cast<unsigned long long>(r.first_draw + r.draws.size() - 1),
                r.to_count.size());
    if (r.decision == audit::Decision::kAwaitingHandCounts) {
      std::printf(" (lists in %s/round-%u/)\n", dir.c_str(), r.number);
    } else {
      std::printf(", %zu with an overstatement, risk %.6g: %.*s\n", discrepancies, r.risk,
                  static_cast<int>(audit::DecisionName(r.decision).size()),
                  audit::DecisionName(r.decision).data());
    }
  }
  const auto status = audit::AuditStatusName(a.status);
  std::printf("STATUS: %.*s%s%s\n", static_cast<int>(status.size()), status.data(),
              a.reason.empty() ? "" : ": ", a.reason.c_str());
}

int RunPlan(const AuditCliOptions& o) {
  if (!OneLogSource(o, "plan")) return kExitUsage;
  auto log = PublishedLog(o);
  if (!log) return ReportError("audit plan", log.error());
  verify::DirectoryFiles dir(o.dir);
  auto a = audit::PlanAudit(**log, {o.checkpoint, o.contest, o.risk_limit, o.seed}, dir);
  if (!a) return ReportError("audit plan", a.error());
  PrintAudit(*a, o.dir);
  return kExitOk;
}

int RunRecord(const AuditCliOptions& o) {
  auto text = ReadFile(o.hand_counts);
  if (!text) return ReportError("audit record", text.error());
  verify::DirectoryFiles dir(o.dir);
  auto a = audit::RecordHandCounts(dir, AsChars(*text), o.hand_counts);
  if (!a) return ReportError("audit record", a.error());
  PrintAudit(*a, o.dir);
  return kExitOk;
}

int RunAuditVerify(const AuditCliOptions& o) {
  if (!OneLogSource(o, "verify")) return kExitUsage;
  if (o.published && o.center.empty()) {
    std::fprintf(stderr, "acta audit verify: --published needs --center URL\n");
    return kExitUsage;
  }
  auto log = PublishedLog(o);
  if (!log) return ReportError("audit verify", log.error());
  std::unique_ptr<verify::Files> dir;
  if (o.published) {
    auto client = Client(o);
    if (!client) return ReportError("audit verify", client.error());
    auto fetched = std::make_unique<verify::MemoryFiles>();
    if (auto st = audit::FetchPublishedAudit(**client, o.dir, *fetched); !st)
      return ReportError("audit verify", st.error());
    dir = std::move(fetched);
  } else {
    dir = std::make_unique<verify::DirectoryFiles>(o.dir);
  }
  auto v = audit::VerifyAuditDir(**log, *dir);
  if (!v) return ReportError("audit verify", v.error());
  PrintAudit(v->audit, o.dir);
  for (const std::string& p : v->problems) std::printf("  PROBLEM %s\n", p.c_str());
  std::printf(v->ok() ? "RESULT: the audit directory is exactly what the log and the hand counts "
                        "give\nRESULT: OK\n"
                      : "RESULT: FAILED\n");
  return v->ok() ? kExitOk : kExitFailure;
}

void LogSourceOptions(CLI::App* cmd, AuditCliOptions& o) {
  cmd->add_option("--center", o.center, "The center's public URL (http://host:port)");
  cmd->add_option("--dump", o.dump, "A dump directory written by 'acta dump'");
  cmd->add_option("--ca-file", o.ca_file, "PEM CA bundle to trust for https");
}

}  // namespace

void RegisterAudit(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<AuditCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Risk-limiting audit of the paper against the log: a batch-comparison audit (MACRO) with\n"
      "each table as a batch, drawn from a public seed, pinned to a checkpoint. Anyone can\n"
      "recompute it (docs/FORMATS.md, \"Audit\").");
  cmd->require_subcommand(1);

  CLI::App* plan = cmd->add_subcommand(
      "plan",
      "Read the log at a checkpoint, compute the contest's margins and error bounds, draw the\n"
      "first round from the seed, and write the audit directory (parameters, the pinned\n"
      "checkpoint, reported.csv, round-1/sample.csv and round-1/teams.txt).");
  LogSourceOptions(plan, *o);
  plan->add_option("--checkpoint", o->checkpoint,
                   "Size of the published, signed checkpoint to pin the audit to")
      ->required();
  plan->add_option("--contest", o->contest, "Contest id from the manifest")->required();
  plan->add_option("--risk-limit", o->risk_limit,
                   "Risk limit alpha, a decimal between 0 and 1 (default 0.05)");
  plan->add_option("--seed", o->seed,
                   "Public seed: 1 to 256 decimal digits rolled in public after the checkpoint "
                   "(e.g. 20 dice rolls)")
      ->required();
  plan->add_option("--out", o->dir, "New audit directory (refused if it holds an audit.json)")
      ->required();
  plan->callback([&run, o] { run = [o] { return RunPlan(*o); }; });

  CLI::App* record = cmd->add_subcommand(
      "record",
      "Record the pending round's hand counts, recompute the risk, and say whether the audit\n"
      "stops, escalates (writing the next round's sample) or needs a full hand count. Nothing\n"
      "is written when the counts are refused.");
  record->add_option("AUDIT_DIR", o->dir, "The audit directory")->required();
  record
      ->add_option("--hand-counts", o->hand_counts,
                   "CSV: header \"table,<candidate ids in manifest order>\", one row per table "
                   "the round lists")
      ->required();
  record->callback([&run, o] { run = [o] { return RunRecord(*o); }; });

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "Recompute the whole audit from the published log and the directory's parameters and\n"
      "hand counts, and compare every file byte for byte. Exits 0 only when all match.");
  verify
      ->add_option("AUDIT_DIR", o->dir,
                   "The audit directory, or with --published the audit's name on the center")
      ->required();
  LogSourceOptions(verify, *o);
  verify->add_flag("--published", o->published,
                   "Check the audit the center publishes under /v1/audits/AUDIT_DIR/ (fetched), "
                   "not a local directory; needs --center");
  verify->callback([&run, o] { run = [o] { return RunAuditVerify(*o); }; });
}

}  // namespace acta::cli
