// Issue #21: a center whose store's filesystem fills up. The SQLite store
// lives on a small tmpfs mounted by the test; terminals keep sending until
// it is full. While it is full the center must keep running and answer 503
// (the terminals retry), never a receipt it cannot keep; when space returns
// (the tmpfs is remounted larger) it must take the rest by itself. Finally
// the center is killed with SIGKILL and restarted, and every receipt must be
// in the log (chaos_check.h). Needs root for mount(8) (CI runs as root);
// skipped with a message otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "core/testing/manifest_fixtures.h"
#include "sim/synth.h"
#include "terminal/http_client.h"
#include "tests/center/chaos_check.h"
#include "tests/center/chaos_load.h"
#include "tests/center/chaos_node.h"
#include "tests/center/chaos_watch.h"

namespace acta::testing::chaos {
namespace {

using std::chrono::milliseconds;

constexpr uint32_t kTables = 300;
// Room for the schema and some tens of actas, far less than 300 need.
constexpr const char* kSmallSize = "320k";
constexpr const char* kLargeSize = "64m";

// The store's ingest answers that were refused for lack of durability
// (acta_ingest_total{outcome="unavailable"} on /metrics), or -1.
long UnavailableAnswers(const std::string& public_url) {
  http::HttpClientOptions o;
  o.base_url = public_url;
  o.request_timeout = milliseconds(2000);
  auto client = http::HttpClient::Create(o);
  if (!client) return -1;
  auto res = (*client)->Get("/metrics");
  if (!res || res->status != 200) return -1;
  const std::string body(res->BodyText());
  std::smatch m;
  static const std::regex re(R"(acta_ingest_total\{outcome="unavailable"\} ([0-9]+))");
  if (!std::regex_search(body, m, re)) return 0;
  return std::stol(m[1]);
}

int Shell(const std::string& command) { return std::system(command.c_str()); }

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
    dir_ = TestDir();
    store_dir_ = dir_ + "/store";
    std::filesystem::create_directories(store_dir_);
    ASSERT_EQ(Shell("mount -t tmpfs -o size=" + std::string(kSmallSize) + " acta-full-disk " +
                    store_dir_),
              0)
        << "mount tmpfs on " << store_dir_;
    mounted_ = true;
    sim::SynthOptions o;
    o.tables = kTables;
    o.seed = 2121;
    auto synth = sim::SynthesizeElection(o);
    ASSERT_TRUE(synth);
    synth_ = std::make_unique<sim::SynthResult>(std::move(*synth));
    ASSERT_TRUE(sim::WriteElectionDir(dir_ + "/election", *synth_));
  }

  void TearDown() override {
    node_.reset();
    if (mounted_) Shell("umount " + store_dir_);
    if (HasFailure()) {
      std::printf("[full-disk] logs kept in %s\n", dir_.c_str());
    } else if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  std::string dir_, store_dir_;
  bool mounted_ = false;
  std::unique_ptr<sim::SynthResult> synth_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(FullDiskTest, AFullStoreAnswers503ThenRecoversAndLosesNothing) {
  NodeConfig c;
  c.name = "center";
  c.election_dir = dir_ + "/election";
  c.db_url = "sqlite:" + store_dir_ + "/store.db";
  c.key_file = dir_ + "/election/secrets/center.key";
  c.log_dir = dir_;
  node_ = std::make_unique<NodeProcess>(c);
  auto st = node_->Start();
  ASSERT_TRUE(st) << st.error().ToString();

  CheckpointWatcher watcher({node_->public_url()}, milliseconds(50));
  watcher.Start();
  LoadOptions lo;
  lo.urls = {node_->ingest_url()};
  lo.workers = 4;
  lo.spread = milliseconds(3000);
  lo.deadline = milliseconds(120'000);
  TerminalLoad load(synth_->election, lo);
  load.Start();

  // The disk fills: the center starts refusing with 503.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(60'000);
  while (UnavailableAnswers(node_->public_url()) <= 0 &&
         std::chrono::steady_clock::now() < deadline && load.delivered() < kTables) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_GT(UnavailableAnswers(node_->public_url()), 0)
      << "the store never filled (" << load.delivered() << " receipts): make kSmallSize smaller";
  const size_t at_full = load.delivered();
  std::this_thread::sleep_for(milliseconds(2000));
  const size_t still_full = load.delivered();
  const long refused = UnavailableAnswers(node_->public_url());
  std::printf("[full-disk] full after %zu receipts; 2 s later %zu receipts, %ld answers 503\n",
              at_full, still_full, refused);
  ASSERT_TRUE(node_->Running()) << "the center stopped on a full disk: " << node_->LogTail();
  EXPECT_LT(still_full, static_cast<size_t>(kTables)) << "every table got through a full disk?";

  // Space returns: the terminals' retries go through without a restart.
  ASSERT_EQ(Shell("mount -o remount,size=" + std::string(kLargeSize) + " " + store_dir_), 0);
  ASSERT_TRUE(load.Wait(milliseconds(90'000))) << "load did not finish";
  EXPECT_EQ(load.delivered(), kTables) << node_->LogTail();
  EXPECT_TRUE(node_->Running());
  EXPECT_TRUE(watcher.WaitForAllAt({0}, kTables, milliseconds(20'000)));

  // A crash now loses nothing that was receipted, full disk or not.
  node_->Kill();
  st = node_->Start();
  ASSERT_TRUE(st) << "restart after the full disk: " << st.error().ToString();
  EXPECT_TRUE(watcher.WaitForAllAt({0}, kTables, milliseconds(20'000)));
  watcher.Stop();
  FinalCheckInput in;
  in.election = &synth_->election;
  in.db_url = c.db_url;
  in.public_url = node_->public_url();
  in.seen = watcher.All();
  in.deliveries = load.Deliveries();
  in.actas = load.actas();
  in.work_dir = dir_;
  CheckFinalState(in);
  EXPECT_EQ(node_->Terminate(), 0) << node_->LogTail();
}

}  // namespace
}  // namespace acta::testing::chaos
