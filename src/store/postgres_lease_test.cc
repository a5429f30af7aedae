// The PostgreSQL sequencer lease: one holder per election among any number
// of nodes, taken over when the holder's session ends.
#include "store/postgres_lease.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "store/postgres_testing.h"
#include "store/sequencer_lease.h"
#include "store/store_conformance.h"

namespace acta::store {
namespace {

using testing::kElectionA;
using testing::kElectionB;

class PostgresLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::CreatePgDatabase();
    ASSERT_FALSE(url_.empty());
  }
  void TearDown() override { testing::DropPgDatabase(url_); }

  std::unique_ptr<SequencerLease> Lease(const Hash256& election) {
    auto lease = OpenLease(url_, election);
    EXPECT_TRUE(lease.has_value()) << lease.error().ToString();
    return lease ? std::move(*lease) : nullptr;
  }

  // pg_locks lists the whole cluster, and other tests running at the same
  // time hold the same election's lock in their own databases: only rows of
  // this test's database count.
  static std::string LockRowsOfThisDatabase(const Hash256& election) {
    const int64_t key = PostgresLease::LockKey(election);
    return "FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
           "(SELECT oid FROM pg_database WHERE datname = current_database()) AND "
           "classid::bigint = " +
           std::to_string((key >> 32) & 0xffffffff) +
           " AND objid::bigint = " + std::to_string(key & 0xffffffff);
  }

  // Backends of this database holding the election's advisory lock.
  Result<int64_t> Holders(const Hash256& election) {
    return testing::PgInt(url_, "SELECT count(*) " + LockRowsOfThisDatabase(election));
  }

  std::string url_;
};

TEST_F(PostgresLeaseTest, OnlyOneHolderUntilReleased) {
  auto a = Lease(kElectionA);
  auto b = Lease(kElectionA);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->StillHeld());
  auto got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  got = a->TryAcquire();  // again: still ours
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  got = b->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_FALSE(*got);
  EXPECT_TRUE(a->StillHeld());
  EXPECT_FALSE(b->StillHeld());
  auto holders = Holders(kElectionA);
  ACTA_ASSERT_OK(holders);
  EXPECT_EQ(*holders, 1);

  a->Release();
  EXPECT_FALSE(a->StillHeld());
  got = b->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_FALSE(*got);
  EXPECT_NE(b->Describe().find("advisory lock"), std::string::npos) << b->Describe();
}

TEST_F(PostgresLeaseTest, AnotherElectionHasItsOwnLease) {
  auto a = Lease(kElectionA);
  auto b = Lease(kElectionB);
  ASSERT_TRUE(a && b);
  EXPECT_NE(PostgresLease::LockKey(kElectionA), PostgresLease::LockKey(kElectionB));
  auto got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  got = b->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
}

TEST_F(PostgresLeaseTest, HolderDestroyedLetsAnotherTakeOver) {
  auto a = Lease(kElectionA);
  auto b = Lease(kElectionA);
  ASSERT_TRUE(a && b);
  auto got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  ASSERT_TRUE(*got);
  a.reset();  // the node shuts down: its connection closes
  got = b->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
}

TEST_F(PostgresLeaseTest, TerminatedHolderSessionIsDetectedAndTakenOver) {
  auto a = Lease(kElectionA);
  auto b = Lease(kElectionA);
  ASSERT_TRUE(a && b);
  auto got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  ASSERT_TRUE(*got);
  // The holder's session dies as if its node lost the network.
  auto killed = testing::PgInt(
      url_, "SELECT count(pg_terminate_backend(pid)) " + LockRowsOfThisDatabase(kElectionA));
  ACTA_ASSERT_OK(killed);
  ASSERT_EQ(*killed, 1);
  // pg_terminate_backend only signals: wait until the lock is really gone
  // (an event, not a time: the loop ends when the server frees it).
  for (int i = 0; i < 1000; ++i) {
    auto holders = Holders(kElectionA);
    ACTA_ASSERT_OK(holders);
    if (*holders == 0) break;
  }
  EXPECT_FALSE(a->StillHeld());
  got = b->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  // The old holder reconnects but finds the lease taken.
  got = a->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_FALSE(*got);
}

// A primary that stops answering (SIGSTOP, a partition that keeps TCP
// alive) must not hang the sequencer: with an answer timeout the holder
// gives the lease up after that long and another node can take it once the
// server frees the lock.
TEST_F(PostgresLeaseTest, SilentServerCostsTheLeaseAfterTheAnswerTimeout) {
  OpenOptions options;
  options.answer_timeout_ms = 300;
  auto a = OpenLease(url_, kElectionA, options);
  ACTA_ASSERT_OK(a);
  auto got = (*a)->TryAcquire();
  ACTA_ASSERT_OK(got);
  ASSERT_TRUE(*got);
  auto pid = testing::PgInt(url_, "SELECT pid::bigint " + LockRowsOfThisDatabase(kElectionA));
  ACTA_ASSERT_OK(pid);
  // Only the holder's own backend stops: the rest of the server answers.
  ASSERT_EQ(kill(static_cast<pid_t>(*pid), SIGSTOP), 0) << "cannot stop backend " << *pid;
  // Without the bound this would not return until SIGCONT, i.e. never (the
  // kernel keeps the TCP connection alive for a stopped process).
  const bool held = (*a)->StillHeld();
  ASSERT_EQ(kill(static_cast<pid_t>(*pid), SIGCONT), 0);
  EXPECT_FALSE(held);
  // The resumed backend finds its client gone and ends, freeing the lock
  // (an event, not a time: the loop ends when the server frees it).
  auto b = Lease(kElectionA);
  ASSERT_TRUE(b);
  bool taken = false;
  for (int i = 0; i < 1000 && !taken; ++i) {
    got = b->TryAcquire();
    ACTA_ASSERT_OK(got);
    taken = *got;
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(taken);
}

TEST(PostgresLeaseRestartTest, ServerRestartLosesTheLeaseAndItCanBeRetaken) {
  testing::PrivatePgCluster cluster;
  ASSERT_TRUE(cluster.ok());
  auto lease = OpenLease(cluster.url(), kElectionA);
  ACTA_ASSERT_OK(lease);
  auto got = (*lease)->TryAcquire();
  ACTA_ASSERT_OK(got);
  ASSERT_TRUE(*got);
  ASSERT_TRUE(cluster.Down());
  EXPECT_FALSE((*lease)->StillHeld());
  ACTA_ASSERT_ERROR((*lease)->TryAcquire(), ErrorCode::kUnavailable);
  ASSERT_TRUE(cluster.Up());
  got = (*lease)->TryAcquire();
  ACTA_ASSERT_OK(got);
  EXPECT_TRUE(*got);
  EXPECT_TRUE((*lease)->StillHeld());
}

TEST(PostgresLeaseOpenTest, BadUrlIsInvalidArgument) {
  ACTA_ASSERT_ERROR(OpenLease("postgres://127.0.0.1/db?nosuchoption=1", kElectionA),
                    ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::store
