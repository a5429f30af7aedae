// The parts of `acta demo --sites 3` that need no cluster: the missing
// package message, finding the script, the stall and the summary section.
// The whole run is the ctest demo_sites_short (tests/center, fixture
// ha_cluster).
#include "sim/demo_sites.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace acta::sim::demo_internal {
namespace {

TEST(DemoSitesTest, NamesEveryMissingPackageAndHowToInstallIt) {
  const std::set<std::string> present = {"/usr/bin/etcdctl", "/usr/bin/curl"};
  const auto missing =
      MissingHaPackages([&](const std::string& path) { return present.count(path) > 0; });
  EXPECT_EQ(missing, (std::vector<std::string>{"patroni", "etcd-server", "postgresql-15"}));
  const Status st = HaPackagesStatus(missing);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kFailedPrecondition);
  const std::string& msg = st.error().message;
  EXPECT_NE(msg.find("not installed: patroni, etcd-server, postgresql-15."), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("scripts/install-deps.sh"), std::string::npos) << msg;
  EXPECT_TRUE(HaPackagesStatus({}));
}

TEST(DemoSitesTest, OwnerLineIsThePidAndItsStartTime) {
  const std::string me = OwnerLine(getpid());
  ASSERT_EQ(me.rfind(std::to_string(getpid()) + " ", 0), 0u) << me;
  EXPECT_GT(std::atoll(me.c_str() + me.find(' ') + 1), 0);
  EXPECT_EQ(OwnerLine(getpid()), me);    // stable: the demo compares it later
  EXPECT_EQ(OwnerLine(0x7fffffff), "");  // beyond any pid_max
}

// A demo killed from outside left its cluster running: the next demo takes
// down exactly the clusters whose owner is gone (also a pid now reused by
// another process), with the script's `down`, and nothing else.
TEST(DemoSitesTest, NextDemoTakesDownClustersLeftByKilledDemos) {
  namespace fs = std::filesystem;
  std::string tmpl = "/tmp/acta-sweep-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const fs::path parent = tmpl;
  const fs::path calls = parent / "calls";
  const fs::path script = parent / "ha-cluster.sh";
  std::ofstream(script) << "#!/bin/sh\necho \"$ACTA_HA_DIR $1\" >>'" << calls.string() << "'\n";
  fs::permissions(script, fs::perms::owner_all);
  const auto make = [&](const std::string& name, const std::string& owner) {
    fs::create_directory(parent / name);
    if (!owner.empty()) std::ofstream(parent / (name + ".owner")) << owner << "\n";
  };
  const std::string me = OwnerLine(getpid());
  make("acta-sites-dead", "2147483647 12345");
  make("acta-sites-reused", std::to_string(getpid()) + " 1");
  make("acta-sites-alive", me);
  make("acta-sites-unowned", "");
  make("other-dir", "2147483647 12345");

  auto swept = SweepAbandonedClusters(script.string(), parent.string());
  std::sort(swept.begin(), swept.end());
  EXPECT_EQ(swept, (std::vector<std::string>{(parent / "acta-sites-dead").string(),
                                             (parent / "acta-sites-reused").string()}));
  std::ifstream in(calls);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string got = buf.str();
  EXPECT_NE(got.find((parent / "acta-sites-dead").string() + " down\n"), std::string::npos) << got;
  EXPECT_NE(got.find((parent / "acta-sites-reused").string() + " down\n"), std::string::npos)
      << got;
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 2) << got;
  EXPECT_FALSE(fs::exists(parent / "acta-sites-dead"));
  EXPECT_FALSE(fs::exists(parent / "acta-sites-dead.owner"));
  EXPECT_TRUE(fs::exists(parent / "acta-sites-alive"));
  EXPECT_TRUE(fs::exists(parent / "acta-sites-alive.owner"));
  EXPECT_TRUE(fs::exists(parent / "acta-sites-unowned"));
  EXPECT_TRUE(fs::exists(parent / "other-dir"));
  fs::remove_all(parent);
}

TEST(DemoSitesTest, NothingMissingWhenEveryFileIsThere) {
  EXPECT_TRUE(MissingHaPackages([](const std::string&) { return true; }).empty());
}

TEST(DemoSitesTest, ScriptGivenButAbsentIsNotFound) {
  auto found = FindHaScript("/nonexistent/ha-cluster.sh");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::kNotFound);
  EXPECT_NE(found.error().message.find("/nonexistent/ha-cluster.sh"), std::string::npos);
  // Without --ha-script the source tree's is found.
  auto source = FindHaScript("");
  ASSERT_TRUE(source) << source.error().ToString();
  EXPECT_NE(source->find("ha-cluster.sh"), std::string::npos);
}

TEST(DemoSitesTest, IngestResumesAtTheFirstReceiptOfATableClosedAfterTheFault) {
  std::vector<TerminalPlan> plans(4);
  plans[0].close_at = std::chrono::milliseconds(1'000);  // before the fault
  plans[1].close_at = std::chrono::milliseconds(6'000);  // after, delivered late
  plans[2].close_at = std::chrono::milliseconds(7'000);  // after, delivered first
  plans[3].close_at = std::chrono::milliseconds(8'000);  // after, never delivered
  // Table 0's receipt comes right after the fault (a replay or a commit in
  // flight): it says nothing about recovery and must not count.
  const std::vector<int64_t> delivered = {5'100, 30'000, 21'000, -1};
  EXPECT_DOUBLE_EQ(IngestResumedSeconds(plans, delivered, 5'000), 16.0);
  EXPECT_DOUBLE_EQ(IngestResumedSeconds(plans, {5'100, -1, -1, -1}, 5'000), -1.0);
}

TEST(DemoSitesTest, ReportSaysWhatWasLostAndWhetherTheLogForked) {
  DemoSummary s;
  s.sites_ran = true;
  EXPECT_NE(SitesReport(s).find("did not happen"), std::string::npos);
  s.site_down = 2;
  s.ingest_resumed_seconds = 14.25;
  s.log_grew_seconds = 12.5;
  s.sites_checked = true;
  s.checkpoints_seen = 40;
  const std::string ok = SitesReport(s);
  EXPECT_NE(ok.find("site 2 (the primary) went dark"), std::string::npos) << ok;
  EXPECT_NE(ok.find("resumed after 14.2s"), std::string::npos) << ok;
  EXPECT_NE(ok.find("0 receipted actas missing from the log (none lost)"), std::string::npos) << ok;
  EXPECT_NE(ok.find("the log did not fork"), std::string::npos) << ok;
  s.receipts_missing = 3;
  s.forks = 1;
  const std::string bad = SitesReport(s);
  EXPECT_NE(bad.find("3 receipted actas missing from the log (LOST)"), std::string::npos) << bad;
  EXPECT_NE(bad.find("FORKED"), std::string::npos) << bad;
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace acta::sim::demo_internal
