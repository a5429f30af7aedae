// The rules acta adds on top of synchronous replication (issue #15), against
// a real primary with one synchronous standby (scripts/pg-test-pair.sh): a
// write is acknowledged only once the standby holds it, a primary without
// its standby refuses before writing, a commit that waits for the standby
// is abandoned (never cancelled) and its outcome found by looking the leaf
// up, and a commit a restarted primary shows without the standby having it
// is never confirmed.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "store/postgres_store.h"
#include "store/postgres_testing.h"
#include "store/store_conformance.h"

namespace acta::store {

// Linked in for TestActa and TestCheckpoint; its backends are instantiated
// in store_test and postgres_store_test.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformanceTest);

namespace {

using testing::kElectionA;
using testing::PgExec;
using testing::PgInt;
using testing::PgUrlWithDatabase;
using testing::TestActa;
using testing::TestCheckpoint;

constexpr std::chrono::milliseconds kSyncWait{300};

std::unique_ptr<PostgresStore> OpenHa(const std::string& url, bool require_sync_standby,
                                      int answer_timeout_ms = 0) {
  PostgresStoreOptions options;
  options.require_sync_standby = require_sync_standby;
  options.sync_wait = kSyncWait;
  options.connect.answer_timeout_ms = answer_timeout_ms;
  auto store = PostgresStore::Open(url, options);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  if (!store) return nullptr;
  EXPECT_TRUE((*store)->Initialize(kElectionA).has_value());
  return std::move(*store);
}

int64_t RowsOn(const std::string& url) {
  auto n = PgInt(url, "SELECT count(*) FROM accepted");
  EXPECT_TRUE(n.has_value()) << n.error().ToString();
  return n.value_or(-1);
}

// The primary/standby pair that ctest starts for this binary (fixture
// "pg_pair", scripts/pg-test-pair.sh; its tests hold a resource lock, since
// they stop the standby): its URLs and the script's standby commands.
class PgPair {
 public:
  PgPair() : dir_(ACTA_PG_PAIR_DIR) {
    std::ifstream url(dir_ + "/url"), port(dir_ + "/standby/port");
    std::string standby_port;
    std::getline(url, url_);
    std::getline(port, standby_port);
    if (!standby_port.empty())
      standby_url_ = "postgres://acta@127.0.0.1:" + standby_port + "/postgres";
  }
  bool ok() const { return !url_.empty() && !standby_url_.empty(); }
  const std::string& url() const { return url_; }
  const std::string& StandbyUrl() const { return standby_url_; }
  bool StandbyDown() { return Run("standby-down"); }
  bool StandbyUp() { return Run("standby-up"); }
  bool RestartPrimary() { return Run("primary-restart"); }

 private:
  bool Run(const char* command) {
    const std::string cmd = std::string(ACTA_SOURCE_DIR) + "/scripts/pg-test-pair.sh " + command +
                            " " + dir_ + " >/dev/null";
    const int rc = system(cmd.c_str());
    EXPECT_EQ(rc, 0) << cmd << " failed";
    return rc == 0;
  }
  std::string dir_, url_, standby_url_;
};

// Each test gets a database of its own and leaves the standby running.
class PostgresReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pair_ = std::make_unique<PgPair>();
    ASSERT_TRUE(pair_->ok()) << "no primary/standby pair in " << ACTA_PG_PAIR_DIR
                             << ": run through ctest (fixture pg_pair)";
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    db_ = "r" + std::to_string(std::hash<std::string>{}(name) % 1000000);
    ACTA_ASSERT_OK(PgExec(pair_->url(), "CREATE DATABASE " + db_));
    url_ = PgUrlWithDatabase(pair_->url(), db_);
    standby_url_ = PgUrlWithDatabase(pair_->StandbyUrl(), db_);
  }
  void TearDown() override {
    if (!db_.empty()) (void)PgExec(pair_->url(), "DROP DATABASE " + db_ + " WITH (FORCE)");
  }
  // Rows on the standby, once it replayed at least `want` (bounded wait).
  int64_t StandbyRows(int64_t want) {
    int64_t n = -1;
    for (int i = 0; i < 200; ++i) {
      auto rows = PgInt(standby_url_, "SELECT count(*) FROM accepted");
      n = rows.value_or(-1);
      if (n >= want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return n;
  }

  std::unique_ptr<PgPair> pair_;
  std::string db_, url_, standby_url_;
};

TEST_F(PostgresReplicationTest, WritesReturnOnceTheSynchronousStandbyHoldsThem) {
  auto store = OpenHa(url_, true);
  ASSERT_NE(store, nullptr);
  const AcceptedActa a = TestActa(1), b = TestActa(2);
  ACTA_ASSERT_OK(store->InsertAccepted(std::vector<AcceptedActa>{a, b}));
  // Acknowledged means the standby has flushed it (it replays it moments
  // later).
  EXPECT_EQ(StandbyRows(2), 2);
  const TreeHead empty{0, TestCheckpoint(0).root};
  const TreeHead two{2, TestCheckpoint(2).root};
  std::vector<Hash256> leaves{a.leaf_hash, b.leaf_hash};
  ACTA_ASSERT_OK(store->SequenceFenced(empty, leaves, two));
  StoredCheckpoint cp = TestCheckpoint(2);
  ACTA_ASSERT_OK(store->AddCheckpoint(cp));
  ACTA_ASSERT_OK(store->ConfirmReplicated());
}

TEST_F(PostgresReplicationTest, WithoutTheStandbyWritesAreRefusedBeforeAnythingIsWritten) {
  auto store = OpenHa(url_, true);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(pair_->StandbyDown());
  const AcceptedActa a = TestActa(1);
  ACTA_ASSERT_ERROR(store->InsertAccepted(std::vector<AcceptedActa>{a}), ErrorCode::kUnavailable);
  ACTA_ASSERT_ERROR(store->ConfirmReplicated(), ErrorCode::kUnavailable);
  auto found = store->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(RowsOn(url_), 0);
  // The standby back: the same write goes through.
  ASSERT_TRUE(pair_->StandbyUp());
  ACTA_ASSERT_OK(store->InsertAccepted(std::vector<AcceptedActa>{a}));
}

// A COMMIT waiting for a standby that is gone: the client gives up on the
// connection (no cancel, so no false "success"), the outcome is unknown, and
// the retry finds the row by its leaf hash once the standby is back.
TEST_F(PostgresReplicationTest, WaitingCommitIsAbandonedAndItsOutcomeLookedUp) {
  // No pre-check on this one, so its INSERT really waits for the standby.
  auto blind = OpenHa(url_, false, /*answer_timeout_ms=*/500);
  auto strict = OpenHa(url_, true);
  ASSERT_NE(blind, nullptr);
  ASSERT_NE(strict, nullptr);
  ASSERT_TRUE(pair_->StandbyDown());
  const AcceptedActa a = TestActa(7);
  const auto start = std::chrono::steady_clock::now();
  auto st = blind->InsertAccepted(std::vector<AcceptedActa>{a});
  ACTA_ASSERT_ERROR(st, ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message.find("outcome unknown"), std::string::npos) << st.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // Still waiting on the server: not visible to anyone, not acknowledged.
  auto found = strict->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  EXPECT_FALSE(found->has_value());
  ACTA_ASSERT_ERROR(strict->InsertAccepted(std::vector<AcceptedActa>{a}), ErrorCode::kUnavailable);
  ASSERT_TRUE(pair_->StandbyUp());
  // The abandoned commit completes on its own; the retry is idempotent and
  // acknowledged once the standby holds the row.
  ACTA_ASSERT_OK(strict->InsertAccepted(std::vector<AcceptedActa>{a}));
  found = strict->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, a);
}

// The hazard behind the rules: a primary that restarts while a COMMIT waits
// for the standby comes back showing that commit although no standby has
// it. Nothing confirms it until the standby really holds it.
TEST_F(PostgresReplicationTest, CommitShownByRestartedPrimaryIsNotConfirmedUntilTheStandbyHasIt) {
  auto blind = OpenHa(url_, false, /*answer_timeout_ms=*/500);
  ASSERT_NE(blind, nullptr);
  ASSERT_TRUE(pair_->StandbyDown());
  const AcceptedActa a = TestActa(9);
  ACTA_ASSERT_ERROR(blind->InsertAccepted(std::vector<AcceptedActa>{a}), ErrorCode::kUnavailable);
  ASSERT_TRUE(pair_->RestartPrimary());
  auto strict = OpenHa(url_, true);
  ASSERT_NE(strict, nullptr);
  auto found = strict->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  EXPECT_TRUE(found->has_value()) << "the restarted primary shows the unreplicated commit";
  ACTA_ASSERT_ERROR(strict->ConfirmReplicated(), ErrorCode::kUnavailable);
  ACTA_ASSERT_ERROR(strict->InsertAccepted(std::vector<AcceptedActa>{a}), ErrorCode::kUnavailable);
  ASSERT_TRUE(pair_->StandbyUp());
  ACTA_ASSERT_OK(strict->ConfirmReplicated());
  ACTA_ASSERT_OK(strict->InsertAccepted(std::vector<AcceptedActa>{a}));
  EXPECT_EQ(StandbyRows(1), 1);
}

}  // namespace
}  // namespace acta::store
