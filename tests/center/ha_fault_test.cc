// Issue #15, Jepsen style: three `acta center` processes (one per site) on a
// Patroni/etcd cluster of three sites (scripts/ha-cluster.sh) under terminal
// load, while faults hit the cluster one after another: kill -9 of the
// primary's PostgreSQL and Patroni, SIGSTOP of the primary's site for a
// while, a partition that cuts the primary's site off (nftables), a blackout
// of the primary's site (etcd, Patroni, PostgreSQL and its center at once),
// kill -9 of the etcd leader, and a center killed while its
// COMMITs are in flight. After each fault the time to the next receipt is
// recorded; at the end every receipted acta must be in the log exactly once
// and the public verifier, given every checkpoint seen during the run as
// state, must find no fork and no rollback (chaos_check.h).
//
// The cluster must be up: ACTA_HA_DIR names its directory (ha-cluster.sh
// writes url there). ACTA_HA_FAULTS lists the faults, "kind:count,..." (kinds
// kill-primary, stop-primary, partition, blackout, etcd-leader, center); they run
// round-robin. ACTA_HA_TABLES sets the load (tables), ACTA_HA_STOP_S the
// SIGSTOP time, ACTA_HA_PARTITION_S how long a partition lasts.
// scripts/ha-faults.sh runs the long version; ctest a short one.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "core/testing/manifest_fixtures.h"
#include "sim/synth.h"
#include "tests/center/chaos_check.h"
#include "tests/center/chaos_load.h"
#include "tests/center/chaos_node.h"
#include "tests/center/chaos_watch.h"

namespace acta::testing::chaos {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

long Ms(Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// Runs scripts/ha-cluster.sh with `args`; returns its first output line and
// sets *ok.
std::string Cluster(const std::string& args, bool* ok = nullptr) {
  const std::string cmd = std::string(ACTA_SOURCE_DIR) + "/scripts/ha-cluster.sh " + args;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  if (p != nullptr) {
    char buf[512];
    while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  }
  const int rc = p != nullptr ? pclose(p) : -1;
  if (ok != nullptr) *ok = rc == 0;
  if (rc != 0) std::printf("[ha] `%s` failed (%d): %s\n", cmd.c_str(), rc, out.c_str());
  auto nl = out.find('\n');
  return nl == std::string::npos ? out : out.substr(0, nl);
}

struct FaultPlan {
  std::vector<std::string> order;  // round-robin over kinds, each its count
};

FaultPlan ParsePlan(const std::string& spec) {
  std::vector<std::pair<std::string, int>> kinds;
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto colon = item.find(':');
    kinds.emplace_back(item.substr(0, colon),
                       colon == std::string::npos ? 1 : std::atoi(item.c_str() + colon + 1));
  }
  FaultPlan plan;
  for (bool more = true; more;) {
    more = false;
    for (auto& [kind, left] : kinds) {
      if (left-- > 0) {
        plan.order.push_back(kind);
        more = true;
      }
    }
  }
  return plan;
}

class HaFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ha_dir_ = Env("ACTA_HA_DIR", "");
    ASSERT_FALSE(ha_dir_.empty()) << "ACTA_HA_DIR is not set: start a cluster with "
                                     "scripts/ha-cluster.sh up (or run scripts/ha-faults.sh)";
    std::ifstream url(ha_dir_ + "/url");
    ASSERT_TRUE(std::getline(url, db_url_)) << "no cluster URL in " << ha_dir_ << "/url";
    dir_ = TestDir();
    sim::SynthOptions o;
    o.tables = static_cast<uint32_t>(std::atoi(Env("ACTA_HA_TABLES", "300").c_str()));
    o.seed = 15;
    o.centers = 3;
    auto synth = sim::SynthesizeElection(o);
    ASSERT_TRUE(synth);
    synth_ = std::make_unique<sim::SynthResult>(std::move(*synth));
    ASSERT_TRUE(sim::WriteElectionDir(dir_ + "/election", *synth_));
    // A database of this run's own on the cluster.
    db_name_ = "acta_ha_" + std::to_string(getpid());
    ASSERT_EQ(
        std::system(("psql '" + db_url_ + "' -qAtc 'CREATE DATABASE " + db_name_ + "'").c_str()),
        0);
    db_url_.replace(db_url_.find("/postgres?"), std::string("/postgres").size(), "/" + db_name_);
  }

  void TearDown() override {
    if (watcher_) watcher_->Stop();
    if (load_) load_->Stop();
    nodes_.clear();
    if (HasFailure()) {
      std::printf("[ha] node logs kept in %s\n", dir_.c_str());
    } else {
      std::filesystem::remove_all(dir_);
    }
  }

  const ElectionMaterial& election() const { return synth_->election; }

  void MakeNodes() {
    for (size_t i = 0; i < 3; ++i) {
      NodeConfig c;
      c.name = "site" + std::to_string(i + 1);
      c.election_dir = dir_ + "/election";
      c.db_url = db_url_;
      c.key_file =
          dir_ + "/election/secrets/" +
          (i == 0 ? std::string("center.key") : "center-" + std::to_string(i + 1) + ".key");
      c.log_dir = dir_;
      c.batch_delay_ms = 100;
      c.extra_args = {"--require-sync-standby", "--db-answer-timeout-ms", "5000"};
      nodes_.push_back(std::make_unique<NodeProcess>(c));
    }
  }

  std::vector<std::string> Urls(bool ingest) const {
    std::vector<std::string> out;
    for (const auto& n : nodes_) out.push_back(ingest ? n->ingest_url() : n->public_url());
    return out;
  }

  // The earliest receipt for an acta whose terminal first sent it after `t`,
  // if any. Only those count: a receipt for an acta sent before the fault
  // may be a replay answered from a center's memory, or a commit that
  // finished just before the fault, and says nothing about recovery.
  std::optional<Clock::time_point> FirstReceiptAfter(Clock::time_point t) const {
    std::optional<Clock::time_point> first;
    for (const auto& d : load_->Deliveries()) {
      if (d.delivered && d.started > t && (!first || d.at < *first)) first = d.at;
    }
    return first;
  }

  // Waits (bounded) for the receipt of an acta first sent after `t`;
  // returns the stall in ms, or -1 if none came (all tables done, or the
  // wait ran out).
  long StallAfter(Clock::time_point t, milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
      if (auto first = FirstReceiptAfter(t)) return Ms(*first - t);
      if (load_->delivered() == load_->tables()) return -1;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return -1;
  }

  int Site(const std::string& s) const { return std::atoi(s.c_str()); }

  // A center refuses to start while the store cannot confirm what it reads
  // (no synchronous standby during a failover), as a systemd unit would
  // restart it, so does this, a few times.
  void RestartNode(size_t i) {
    if (nodes_[i]->Running()) return;
    Status st;
    for (int attempt = 0; attempt < 6; ++attempt) {
      st = nodes_[i]->Start(std::chrono::seconds(60));
      if (st) return;
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
    ADD_FAILURE() << "restarting " << nodes_[i]->name() << ": " << st.error().ToString();
  }

  // One fault: applies it, measures the stall, repairs, waits for a healthy
  // cluster again.
  void RunFault(const std::string& kind, size_t round) {
    const size_t before = load_->delivered();
    std::string site;
    bool ok = true;
    std::optional<size_t> node_down;
    if (kind == "kill-primary") {
      site = Cluster("kill-primary", &ok);
    } else if (kind == "blackout") {
      site = Cluster("blackout", &ok);
      site = site.substr(0, site.find(' '));  // "SITE UNIX_MS"
      if (ok) {
        node_down = Site(site) - 1;
        nodes_[*node_down]->Kill();
      }
    } else if (kind == "stop-primary") {
      site = Cluster("primary", &ok);
      if (ok) Cluster("stop-site " + site, &ok);
    } else if (kind == "partition") {
      site = Cluster("primary", &ok);
      if (ok) Cluster("partition " + site, &ok);
    } else if (kind == "etcd-leader") {
      site = Cluster("kill-etcd-leader", &ok);
    } else if (kind == "center") {
      // A center with COMMITs in flight: under load the group committer
      // always has one; a random node, killed mid-flight.
      std::uniform_int_distribution<size_t> pick(0, nodes_.size() - 1);
      node_down = pick(rng_);
      nodes_[*node_down]->Kill();
      site = std::to_string(*node_down + 1);
    } else {
      FAIL() << "unknown fault kind " << kind;
    }
    ASSERT_TRUE(ok) << kind << " could not be applied";
    // The fault is in force from here: each script ends with its kill,
    // stop or drop, and finding the primary first can take seconds on a
    // loaded host (an acta sent meanwhile would count as "after").
    const auto t0 = Clock::now();
    if (kind == "stop-primary") {
      std::this_thread::sleep_for(
          std::chrono::seconds(std::atoi(Env("ACTA_HA_STOP_S", "30").c_str())));
      Cluster("cont-site " + site, &ok);
    }
    if (kind == "partition") {
      std::this_thread::sleep_for(
          std::chrono::seconds(std::atoi(Env("ACTA_HA_PARTITION_S", "20").c_str())));
      Cluster("heal " + site, &ok);
    }
    const long stall = StallAfter(t0, milliseconds(120'000));
    std::printf("[ha] fault %zu %s site%s at %zu/%zu receipts: next receipt after %ld ms\n", round,
                kind.c_str(), site.c_str(), before, load_->tables(), stall);
    std::fflush(stdout);  // ha-faults.sh tees this: a live log of a long run
    if (stall >= 0)
      stalls_[kind].push_back(stall);
    else if (load_->delivered() < load_->tables())
      ADD_FAILURE() << "no receipt within 120 s after " << kind;
    // Repair, then wait until the cluster has a synchronous standby again.
    if (kind == "kill-primary" || kind == "blackout" || kind == "etcd-leader") {
      Cluster("restore " + site, &ok);
    }
    if (node_down) RestartNode(*node_down);
    Cluster("wait-sync 180", &ok);
    EXPECT_TRUE(ok) << "the cluster did not recover after " << kind;
  }

  std::string ha_dir_, db_url_, db_name_, dir_;
  std::unique_ptr<sim::SynthResult> synth_;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
  std::unique_ptr<CheckpointWatcher> watcher_;
  std::unique_ptr<TerminalLoad> load_;
  std::mt19937_64 rng_{15};
  std::map<std::string, std::vector<long>> stalls_;
};

TEST_F(HaFaultTest, FaultsUnderLoadLoseNoReceiptAndForkNothing) {
  const FaultPlan plan = ParsePlan(Env("ACTA_HA_FAULTS", "kill-primary:1,center:1"));
  MakeNodes();
  for (size_t i = 0; i < nodes_.size(); ++i) RestartNode(i);
  ASSERT_FALSE(HasFailure());
  watcher_ = std::make_unique<CheckpointWatcher>(Urls(false), milliseconds(50));
  watcher_->Start();
  LoadOptions lo;
  lo.urls = Urls(true);
  lo.workers = 6;
  // Spread the tables over the whole schedule (about 40 s per fault), so
  // every fault lands under load.
  const auto run = milliseconds(40'000) * static_cast<long>(plan.order.size());
  lo.spread = run;
  lo.deadline = run + milliseconds(180'000);
  lo.seed = 15;
  load_ = std::make_unique<TerminalLoad>(election(), lo);
  load_->Start();
  for (size_t r = 0; r < plan.order.size(); ++r) {
    // Let some receipts arrive between faults.
    const size_t at = load_->delivered();
    for (int i = 0; i < 300 && load_->delivered() < at + 3 && load_->delivered() < load_->tables();
         ++i) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    RunFault(plan.order[r], r + 1);
    if (HasFatalFailure()) return;
  }
  ASSERT_TRUE(load_->Wait(lo.deadline + milliseconds(10'000))) << "load did not finish";
  const auto deliveries = load_->Deliveries();
  const uint64_t tables = load_->tables();
  std::vector<size_t> all = {0, 1, 2};
  EXPECT_TRUE(watcher_->WaitForAllAt(all, tables, milliseconds(60'000)))
      << "the centers did not all publish a checkpoint of " << tables;
  watcher_->Stop();
  FinalCheckInput in;
  in.election = &election();
  in.db_url = db_url_;
  in.public_url = nodes_[0]->public_url();
  in.seen = watcher_->All();
  in.deliveries = deliveries;
  in.actas = load_->actas();
  in.work_dir = dir_;
  const FinalCheckSummary s = CheckFinalState(in);
  for (auto& n : nodes_) EXPECT_EQ(n->Terminate(), 0) << n->LogTail();
  nlohmann::json rows = nlohmann::json::array();
  for (auto& [kind, v] : stalls_) {
    std::sort(v.begin(), v.end());
    // p99 by nearest rank: with fewer than 100 faults of a kind it is the max.
    const long p99 = v[(v.size() * 99 + 99) / 100 - 1];
    std::printf("[ha] STALL %s n=%zu p50=%ld ms p99=%ld ms max=%ld ms\n", kind.c_str(), v.size(),
                v[v.size() / 2], p99, v.back());
    rows.push_back({kind, std::to_string(v.size()), std::to_string(v[v.size() / 2]) + " ms",
                    std::to_string(p99) + " ms", std::to_string(v.back()) + " ms"});
  }
  std::printf("[ha] checked: %zu faults, log %llu, %zu receipts, %zu distinct checkpoints\n",
              plan.order.size(), static_cast<unsigned long long>(s.log_size), deliveries.size(),
              s.checkpoints_checked);
  // The table for docs/PERFORMANCE.md (bench/report.py), only from a run
  // whose checks all passed.
  const std::string out = Env("ACTA_HA_OUT", "");
  if (!out.empty() && !HasFailure()) {
    nlohmann::json doc;
    doc["title"] = "Three sites: ingest stall after each fault (scripts/ha-faults.sh)";
    doc["columns"] = {"fault (under terminal load)", "times", "fault -> next receipt, p50", "p99",
                      "max"};
    doc["rows"] = rows;
    doc["notes"] = {
        std::to_string(plan.order.size()) + " faults on a 3-site Patroni " +
            "(synchronous_mode_strict, ttl " + Env("ACTA_HA_TTL", "10") +
            " s; Patroni on etcd's v2 API) + etcd cluster on loopback, 3 `acta center "
            "--require-sync-standby`, " +
            std::to_string(deliveries.size()) + " tables: every receipt is in the log (" +
            std::to_string(s.log_size) + " entries), and `acta verify --state` over all " +
            std::to_string(s.checkpoints_checked) +
            " checkpoints seen or stored found no fork and no rollback.",
        "Stall: from the moment the fault is in force (the kill, SIGSTOP or nftables drop "
        "done) to the first receipt for an acta that its terminal first "
        "sent after that (terminals retry every center; a stall includes Patroni's "
        "failover window, about ttl). Receipts for actas sent before the fault (replays "
        "answered from memory, commits that finished just before it) do not count."};
    std::ofstream(out) << doc.dump(2) << "\n";
  }
}

}  // namespace
}  // namespace acta::testing::chaos
