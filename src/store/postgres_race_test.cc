// Several PostgresStore objects on one database, as several center nodes
// would be: sequencers racing for the same log index never fork the log,
// and concurrent inserts of overlapping batches store each acta once.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>
#include <vector>

#include "store/open_store.h"
#include "store/postgres_connection.h"
#include "store/postgres_testing.h"
#include "store/store_conformance.h"

namespace acta::store {
namespace {

using testing::kElectionA;
using testing::TestActa;
using testing::TestCheckpoint;

class PostgresRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreatePgDatabase();
    ASSERT_FALSE(url_.empty());
    for (int i = 0; i < kNodes; ++i) {
      auto store = OpenStore(url_);
      ASSERT_TRUE(store.has_value()) << store.error().ToString();
      ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
      nodes_.push_back(std::move(*store));
    }
  }
  void TearDown() override {
    nodes_.clear();
    testing::DropPgDatabase(url_);
  }

  static constexpr int kNodes = 4;
  std::string url_;
  std::vector<std::unique_ptr<Store>> nodes_;
};

TEST_F(PostgresRaceTest, ExactlyOneSequencerWinsEachIndex) {
  constexpr uint32_t kRounds = 25;
  constexpr uint32_t kPerRound = 3;
  std::vector<AcceptedActa> actas;
  for (uint32_t i = 0; i < kRounds * kPerRound; ++i) actas.push_back(TestActa(i));
  ACTA_ASSERT_OK(nodes_[0]->InsertAccepted(actas));

  // wins[r][n]: node n's Sequence of round r succeeded. Every node proposes
  // the same index with its own order of the round's leaves and its own
  // checkpoint tag, so a fork would be visible in seq or in checkpoints.
  std::vector<std::vector<int>> codes(kRounds, std::vector<int>(kNodes, -2));
  std::barrier sync(kNodes);
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      for (uint32_t r = 0; r < kRounds; ++r) {
        std::vector<Hash256> leaves;
        for (uint32_t k = 0; k < kPerRound; ++k)
          leaves.push_back(actas[r * kPerRound + (k + n) % kPerRound].leaf_hash);
        sync.arrive_and_wait();  // everyone has seen the log at r * kPerRound
        auto status = nodes_[n]->Sequence(r * kPerRound, leaves,
                                          TestCheckpoint((r + 1) * kPerRound, uint8_t(n)));
        codes[r][n] = status ? -1 : static_cast<int>(status.error().code);
        sync.arrive_and_wait();
      }
    });
  }
  for (auto& t : threads) t.join();

  std::vector<int> winner(kRounds, -1);
  for (uint32_t r = 0; r < kRounds; ++r) {
    int wins = 0;
    for (int n = 0; n < kNodes; ++n) {
      if (codes[r][n] == -1) {
        ++wins;
        winner[r] = n;
      } else {
        EXPECT_EQ(codes[r][n], static_cast<int>(ErrorCode::kFailedPrecondition))
            << "round " << r << " node " << n;
      }
    }
    ASSERT_EQ(wins, 1) << "round " << r;
  }
  // The log is exactly the winners' orders, and one checkpoint per round.
  auto count = nodes_[1]->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, kRounds * kPerRound);
  std::vector<Hash256> log;
  ACTA_ASSERT_OK(nodes_[2]->ForEachSequenced(0, UINT64_MAX, [&](const AcceptedActa& a) -> Status {
    EXPECT_EQ(a.seq, std::optional<uint64_t>(log.size()));
    log.push_back(a.leaf_hash);
    return Ok();
  }));
  std::vector<Hash256> want;
  std::vector<StoredCheckpoint> want_checkpoints;
  for (uint32_t r = 0; r < kRounds; ++r) {
    for (uint32_t k = 0; k < kPerRound; ++k)
      want.push_back(actas[r * kPerRound + (k + winner[r]) % kPerRound].leaf_hash);
    want_checkpoints.push_back(TestCheckpoint((r + 1) * kPerRound, uint8_t(winner[r])));
  }
  EXPECT_EQ(log, want);
  auto checkpoints = nodes_[3]->ListCheckpoints();
  ACTA_ASSERT_OK(checkpoints);
  EXPECT_EQ(*checkpoints, want_checkpoints);
}

TEST_F(PostgresRaceTest, ConcurrentOverlappingInsertsStoreEachActaOnce) {
  constexpr uint32_t kActas = 400;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      // Every node submits every acta, in batches cut differently per node.
      const uint32_t batch = 16 + 9 * n;
      for (uint32_t i = 0; i < kActas; i += batch) {
        std::vector<AcceptedActa> actas;
        for (uint32_t t = i; t < std::min(kActas, i + batch); ++t) actas.push_back(TestActa(t));
        if (!nodes_[n]->InsertAccepted(actas)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<AcceptedActa> rows = testing::AllRows(*nodes_[0]);
  ASSERT_EQ(rows.size(), kActas);
  std::vector<bool> seen(kActas, false);
  for (const auto& row : rows) {
    ASSERT_LT(row.table_id, kActas);
    EXPECT_FALSE(seen[row.table_id]);
    seen[row.table_id] = true;
    EXPECT_EQ(row, TestActa(row.table_id));
  }
}

// Inserts one acta on a raw connection, as another center's open
// transaction would hold it.
Status RawInsert(pg::Connection& db, const AcceptedActa& a) {
  auto r = db.Query(
      "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, received_at_ms, "
      "receipt, conflict) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      pg::Params()
          .Bytes(a.leaf_hash)
          .Int8(a.table_id)
          .Int8(a.correction)
          .Bytes(a.bytes)
          .Int8(static_cast<int64_t>(a.lane))
          .Int8(static_cast<int64_t>(a.received_at_ms))
          .Bytes(a.receipt)
          .Bool(a.conflict));
  if (!r) return std::unexpected(std::move(r).error());
  return Ok();
}

TEST_F(PostgresRaceTest, InsertDeadlockWithAnotherCenterIsRetried) {
  const AcceptedActa x = TestActa(1), y = TestActa(2);
  auto other = pg::Connection::Open(url_);
  ACTA_ASSERT_OK(other);
  // The other center never detects the deadlock itself, so the store's
  // statement is always the one the server aborts.
  ACTA_ASSERT_OK((*other)->Exec("BEGIN; SET LOCAL deadlock_timeout = '10min'"));
  ACTA_ASSERT_OK(RawInsert(**other, x));
  Status store_status;
  std::thread store_thread([&] {
    std::vector<AcceptedActa> batch = {y, x};  // takes y, then waits for x
    store_status = nodes_[0]->InsertAccepted(batch);
  });
  // Wait (for an event, polled) until the store's statement waits on x.
  auto waiting = [&]() -> int64_t {
    auto n = testing::PgInt(url_,
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND wait_event_type = 'Lock'");
    return n.value_or(-1);
  };
  while (waiting() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Now the other center wants y: a cycle. The server aborts the store's
  // statement, the store runs it again, and it waits for the other center.
  ACTA_ASSERT_OK(RawInsert(**other, y));
  ACTA_ASSERT_OK((*other)->Exec("COMMIT"));
  store_thread.join();
  // Without the retry the store would report the deadlock (kUnavailable).
  ACTA_ASSERT_OK(store_status);
  EXPECT_EQ(testing::AllRows(*nodes_[1]), (std::vector<AcceptedActa>{x, y}));
}

}  // namespace
}  // namespace acta::store
