#include "sim/demo_audit.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "audit/audit_ops.h"
#include "audit/fetch_audit.h"
#include "core/random.h"
#include "log/checkpoint.h"
#include "terminal/http_client.h"
#include "verify/dump_layout.h"
#include "verify/fetch.h"

namespace acta::sim {
namespace {

// The paper of one table for contest 0, as the truth says, or altered.
std::vector<uint64_t> Paper(const Truth& truth, size_t index, bool altered, int32_t winner,
                            size_t runner_up) {
  const ActaBody body = truth.BodyFor(index);
  std::vector<uint64_t> v(body.contests[0].candidates.begin(), body.contests[0].candidates.end());
  if (altered && winner >= 0) {
    const uint64_t moved = v[winner] / 4;
    v[winner] -= moved;
    v[runner_up] += moved;
  }
  return v;
}

void PrintRound(const audit::Round& r, FILE* out) {
  size_t over = 0;
  for (const auto& t : r.results) over += t.discrepancy.error > 0 ? 1 : 0;
  fmt::print(
      out,
      "round {}: {} draws, {} tables hand counted, {} with an overstatement, risk {:.4g}: {}\n",
      r.number, r.draws.size(), r.to_count.size(), over, r.risk, audit::DecisionName(r.decision));
}

}  // namespace

Result<DemoAuditResult> RunDemoAudit(const std::string& public_url, const Manifest& manifest,
                                     const Truth& truth, uint64_t seed, uint32_t paper_errors,
                                     const std::string& audit_root, FILE* out) {
  http::HttpClientOptions ho;
  ho.base_url = public_url;
  ho.request_timeout = std::chrono::seconds(60);
  ho.max_response_bytes = 512 * 1024 * 1024;
  auto client = http::HttpClient::Create(ho);
  if (!client) return std::unexpected(client.error());
  verify::MemoryFiles log;
  verify::FetchOptions fo;
  fo.center_url = public_url;
  auto fetched = verify::FetchCenter(**client, log, fo);
  if (!fetched) return std::unexpected(fetched.error());

  // The dice: 20 digits from the demo's seed.
  SeededRandom rng = SeededRandom(seed).Fork(19);
  std::string dice;
  for (int i = 0; i < 20; ++i) dice += static_cast<char>('0' + rng.Uniform(10));
  const std::string contest = manifest.contests[0].id;
  const std::string dir_path = (std::filesystem::path(audit_root) / contest).string();
  verify::DirectoryFiles dir(dir_path);
  fmt::print(out,
             "\n== Risk-limiting audit (acta audit plan --checkpoint {} --contest {} "
             "--risk-limit 0.05 --seed {}) ==\n",
             fetched->latest_size, contest, dice);
  auto plan = audit::PlanAudit(log, {fetched->latest_size, contest, "0.05", dice}, dir);
  if (!plan) return std::unexpected(plan.error());
  const audit::Margins& m = plan->margins;
  size_t runner_up = 0;
  for (size_t c = 0; c < m.pair.size(); ++c) {
    if (static_cast<int32_t>(c) != m.winner &&
        (runner_up == static_cast<size_t>(m.winner) || m.pair[c] < m.pair[runner_up])) {
      runner_up = c;
    }
  }
  if (m.winner >= 0) {
    fmt::print(out, "reported winner {}, margin over {}: {} votes; U = {:.2f} over {} tables\n",
               manifest.contests[0].candidates[m.winner].id,
               manifest.contests[0].candidates[runner_up].id, m.pair[runner_up], plan->total_bound,
               plan->tables_with_bound);
  }
  std::set<size_t> altered;
  while (altered.size() < std::min<size_t>(paper_errors, manifest.tables.size()))
    altered.insert(static_cast<size_t>(rng.Uniform(manifest.tables.size())));
  if (paper_errors > 0)
    fmt::print(out, "paper errors: {} tables' paper moves a quarter of the winner's votes to {}\n",
               altered.size(), manifest.contests[0].candidates[runner_up].id);

  DemoAuditResult result;
  audit::Audit current = std::move(*plan);
  for (int round = 0; round < 50 && current.status == audit::AuditStatus::kInProgress; ++round) {
    std::string csv = "table";
    for (const Candidate& c : manifest.contests[0].candidates) csv += "," + c.id;
    csv += "\n";
    for (uint32_t id : current.rounds.back().to_count) {
      const size_t index = static_cast<size_t>(manifest.FindTable(id) - manifest.tables.data());
      csv += std::to_string(id);
      for (uint64_t v : Paper(truth, index, altered.contains(index), m.winner, runner_up))
        csv += "," + std::to_string(v);
      csv += "\n";
    }
    auto next = audit::RecordHandCounts(dir, csv, "hand-counts.csv");
    if (!next) return std::unexpected(next.error());
    current = std::move(*next);
    PrintRound(current.rounds[round], out);
  }
  for (const audit::Round& r : current.rounds) result.tables_counted += r.to_count.size();
  result.rounds = static_cast<uint32_t>(current.rounds.size());
  result.status = audit::AuditStatusName(current.status);
  // What the public sees: the audit as the center serves it, checked
  // against the log (acta audit verify president --published --center URL).
  verify::MemoryFiles served;
  ACTA_RETURN_IF_ERROR(audit::FetchPublishedAudit(**client, contest, served));
  result.published = true;
  for (const std::string& path : served.List()) {
    auto local = dir.Read(path);
    result.published = result.published && local && *local == served.map().at(path);
  }
  auto v = audit::VerifyAuditDir(log, served);
  if (!v) return std::unexpected(v.error());
  result.verified = v->ok();
  fmt::print(
      out, "audit {}{}{} after {} round(s), {} tables hand counted; {}, {} ({})\n", result.status,
      current.reason.empty() ? "" : ": ", current.reason, result.rounds, result.tables_counted,
      result.verified ? "acta audit verify --published: OK" : "ACTA AUDIT VERIFY FAILED",
      result.published ? "published at /v1/audits/" + contest + "/" : "NOT PUBLISHED by the center",
      dir_path);
  for (const auto& p : v->problems) fmt::print(out, "  {}\n", p);
  return result;
}

}  // namespace acta::sim
