#include "sim/demo_setup.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/random.h"
#include "terminal/http_client.h"
#include "verify/fetch.h"
#include "verify/verifier.h"

namespace acta::sim::demo_internal {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

void RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  // As root the hard limit can go up too (three sites run three centers
  // and three emulated networks in this process); otherwise up to it.
  constexpr rlim_t kWanted = 262'144;
  if (rl.rlim_max < kWanted) {
    rlimit raised{kWanted, kWanted};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
  }
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

uint64_t PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss);
}

// The state (region level 1) above each table.
std::vector<uint32_t> StateOfTables(const Manifest& m, std::vector<int32_t>& state_regions) {
  std::vector<int32_t> state_index(m.regions.size(), -1);
  for (size_t r = 0; r < m.regions.size(); ++r) {
    if (m.regions[r].level == RegionLevel::kState) {
      state_index[r] = static_cast<int32_t>(state_regions.size());
      state_regions.push_back(static_cast<int32_t>(r));
    }
  }
  std::vector<uint32_t> out(m.tables.size(), 0);
  for (size_t i = 0; i < m.tables.size(); ++i) {
    int32_t r = static_cast<int32_t>(m.tables[i].region);
    while (r >= 0 && m.regions[r].level != RegionLevel::kState) r = m.regions[r].parent;
    out[i] = r >= 0 ? static_cast<uint32_t>(state_index[r]) : 0;
  }
  return out;
}

CenterRunner::CenterRunner(std::string election_dir, std::string workdir, std::string web_root,
                           CenterStore store) {
  options_.election_dir = election_dir;
  options_.db_url =
      !store.db_url.empty() ? store.db_url : "sqlite:" + (fs::path(workdir) / "center.db").string();
  options_.key_file = !store.key_file.empty()
                          ? store.key_file
                          : (fs::path(election_dir) / "secrets" / "center.key").string();
  options_.pin_file = store.pin_file;
  options_.db = store.db;
  options_.ingest_threads = 2;
  options_.public_threads = 1;
  // Every terminal comes from 127.0.0.1: the per-source caps meant for
  // the Internet would turn the whole country away.
  options_.ingest_limits.max_connections_per_source = 1'000'000;
  // One center may hold most of the process's descriptors; several share
  // them (each proxied exchange holds four sockets in this process).
  options_.ingest_limits.max_connections =
      store.share_of_connections > 1 ? 16'000 / store.share_of_connections : 16'000;
  options_.public_limits.max_connections_per_source = 1'000;
  options_.web_root = std::move(web_root);
  // `acta demo --audit` writes its audit here; the center publishes it.
  options_.audit_dir = (fs::path(workdir) / "audits").string();
}

Status CenterRunner::Start() {
  auto c = center::Center::Start(options_, clock_);
  if (!c) return std::unexpected(c.error());
  center_ = std::move(*c);
  // A restart comes back on the same ports.
  options_.ingest_listen = {"127.0.0.1:" + std::to_string(center_->ingest_port())};
  options_.public_listen = {"127.0.0.1:" + std::to_string(center_->public_port())};
  return Ok();
}

Percentiles DeliveryPercentiles(std::vector<int64_t> ms, uint64_t tables) {
  Percentiles p;
  std::erase(ms, -1);
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) -> double {
    const size_t need = static_cast<size_t>(std::ceil(q * static_cast<double>(tables)));
    if (need == 0 || need > ms.size()) return -1;
    return static_cast<double>(ms[need - 1]) / 1000.0;
  };
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.p100 = at(1.0);
  return p;
}

std::vector<TerminalPlan> MakePlans(const std::vector<uint32_t>& table_state, milliseconds window,
                                    uint64_t seed) {
  std::vector<TerminalPlan> plans(table_state.size());
  SeededRandom rng = SeededRandom(seed).Fork(7);
  for (size_t i = 0; i < plans.size(); ++i) {
    plans[i].close_at = milliseconds(rng.Uniform(static_cast<uint64_t>(window.count())));
    double x = rng.UniformDouble();
    uint8_t link = 0;
    while (static_cast<size_t>(link) + 1 < std::size(kLinkMix) && x >= kLinkMix[link])
      x -= kLinkMix[link++];
    plans[i].link = link;
    plans[i].group = table_state[i];
  }
  return plans;
}

PublishedCheck VerifyPublished(const std::string& public_url, const Manifest& manifest, FILE* out,
                               const verify::VerifierState* state) {
  PublishedCheck check;
  http::HttpClientOptions ho;
  ho.base_url = public_url;
  ho.request_timeout = std::chrono::seconds(60);
  ho.max_response_bytes = 512 * 1024 * 1024;
  auto client = http::HttpClient::Create(ho);
  if (!client) {
    fmt::print(out, "verify: {}\n", client.error().ToString());
    return check;
  }
  verify::FetchOptions fopts;
  fopts.center_url = public_url;
  if (state != nullptr) {
    for (const auto& cp : state->checkpoints) fopts.remembered_sizes.push_back(cp.size);
  }
  fopts.pin_cosigned = !manifest.witnesses.empty();
  auto fetched = verify::FetchCenter(**client, check.files, fopts);
  if (!fetched) {
    fmt::print(out, "verify: cannot fetch the published log: {}\n", fetched.error().ToString());
    return check;
  }
  check.latest_size = fetched->latest_size;
  verify::VerifyOptions vo;
  vo.expected_election_id = manifest.election_id;
  vo.state = state;
  vo.threads = 2;
  vo.require_witnesses = !manifest.witnesses.empty();
  const verify::Report report = verify::VerifyFiles(check.files, vo);
  fmt::print(out, "\n== Public verification (acta verify --center {}{}{}) ==\n{}", public_url,
             state != nullptr ? " --state" : "", vo.require_witnesses ? " --require-witnesses" : "",
             verify::FormatReport(report, 10));
  check.ok = report.ok() && report.tables_counted == manifest.tables.size();
  return check;
}

Result<std::vector<std::unique_ptr<witness::WitnessService>>> StartWitnesses(
    const ElectionMaterial& election, const std::string& workdir, const Clock& clock,
    std::map<std::string, std::string>& urls) {
  std::vector<std::unique_ptr<witness::WitnessService>> out;
  for (size_t i = 0; i < election.witnesses.size(); ++i) {
    witness::WitnessServiceOptions wo;
    wo.state_path = (fs::path(workdir) / ("witness-" + std::to_string(i + 1) + ".db")).string();
    wo.logs = {witness::FollowManifest(election.manifest)};
    auto w = witness::WitnessService::Start(election.witnesses[i], std::move(wo), clock);
    if (!w) return std::unexpected(w.error());
    urls[election.manifest.witnesses[i].name] = "http://127.0.0.1:" + std::to_string((*w)->port());
    out.push_back(std::move(*w));
  }
  return out;
}

bool WaitForQuorum(center::Center& center, milliseconds limit) {
  const Manifest& m = center.manifest();
  if (m.witnesses.empty() || center.cosignatures() == nullptr) return true;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto cp = center.log_state().latest();
    if (cp && center.cosignatures()->CosignersOf(cp->stored.size).size() >= m.witness_quorum) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
}

std::string SummaryJson(const DemoSummary& s, bool emulation, milliseconds window) {
  const nlohmann::json j = {
      {"ok", s.ok()},
      {"tables", s.tables},
      {"delivered", s.delivered},
      {"counted", s.counted},
      {"truth_mismatches", s.truth_mismatches},
      {"audit", s.audit_ran ? nlohmann::json{{"status", s.audit_status},
                                             {"rounds", s.audit_rounds},
                                             {"verified", s.audit_verified},
                                             {"published", s.audit_published}}
                            : nlohmann::json(nullptr)},
      {"verified", s.verified},
      {"attempts", s.attempts},
      {"retries", s.retries},
      {"emulation", emulation},
      {"window_seconds", static_cast<double>(window.count()) / 1000.0},
      {"wall_seconds", s.wall_seconds},
      {"synth_seconds", s.synth_seconds},
      {"send_seconds", s.send_seconds},
      {"verify_seconds", s.verify_seconds},
      {"p90_seconds", s.p90_seconds},
      {"p99_seconds", s.p99_seconds},
      {"p100_seconds", s.p100_seconds},
      {"peak_rss_mb", static_cast<double>(s.peak_rss_kb) / 1024.0},
      {"monitor",
       {{"ran", s.monitor_ran},
        {"checkpoints", s.monitor_checkpoints},
        {"alarms", s.monitor_alarms},
        {"conflicts", s.monitor_conflicts},
        {"lag_p50_ms", s.monitor_lag_p50_ms},
        {"lag_p99_ms", s.monitor_lag_p99_ms},
        {"cpu_seconds", s.monitor_cpu_seconds}}},
      {"sites", s.sites_ran ? nlohmann::json{{"site_down", s.site_down},
                                             {"ingest_resumed_seconds", s.ingest_resumed_seconds},
                                             {"log_grew_seconds", s.log_grew_seconds},
                                             {"checked", s.sites_checked},
                                             {"receipts_missing", s.receipts_missing},
                                             {"checkpoints", s.checkpoints_seen},
                                             {"forks", s.forks}}
                            : nlohmann::json(nullptr)},
  };
  return j.dump();
}

}  // namespace acta::sim::demo_internal
