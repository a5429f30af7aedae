// The token buckets in front of signature work: TableLimiter (per table and
// lane) and PublicBudget (global and per source network), on a FakeClock.
#include <gtest/gtest.h>

#include "center/public_budget.h"
#include "center/table_limiter.h"

namespace acta::center {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

boost::asio::ip::address Ip(const char* s) { return boost::asio::ip::make_address(s); }

TableLimitOptions SmallTableLimits() {
  TableLimitOptions o;
  o.terminal_per_second = 0.5;
  o.terminal_burst = 3;
  o.public_per_second = 1;
  o.public_burst = 2;
  return o;
}

TEST(TableLimiterTest, BurstThenRefusalThenRefill) {
  FakeClock clock;
  TableLimiter limiter(clock, 4, SmallTableLimits());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryTake(1, VerifyLane::kTerminal)) << i;
  EXPECT_FALSE(limiter.TryTake(1, VerifyLane::kTerminal));
  EXPECT_DOUBLE_EQ(limiter.SecondsUntilToken(1, VerifyLane::kTerminal), 2.0);
  clock.Advance(milliseconds(1999));
  EXPECT_FALSE(limiter.TryTake(1, VerifyLane::kTerminal));
  clock.Advance(milliseconds(1));
  EXPECT_DOUBLE_EQ(limiter.SecondsUntilToken(1, VerifyLane::kTerminal), 0.0);
  EXPECT_TRUE(limiter.TryTake(1, VerifyLane::kTerminal));
  EXPECT_FALSE(limiter.TryTake(1, VerifyLane::kTerminal));
  // A long pause refills only up to the burst.
  clock.Advance(seconds(3600));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryTake(1, VerifyLane::kTerminal)) << i;
  EXPECT_FALSE(limiter.TryTake(1, VerifyLane::kTerminal));
}

TEST(TableLimiterTest, LanesAndTablesHaveSeparateBuckets) {
  FakeClock clock;
  TableLimiter limiter(clock, 4, SmallTableLimits());
  // Exhaust table 2's public bucket, as a flood of forged observer actas would.
  EXPECT_TRUE(limiter.TryTake(2, VerifyLane::kPublic));
  EXPECT_TRUE(limiter.TryTake(2, VerifyLane::kPublic));
  EXPECT_FALSE(limiter.TryTake(2, VerifyLane::kPublic));
  // The terminal lane of the same table and the other tables are untouched.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryTake(2, VerifyLane::kTerminal)) << i;
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_TRUE(limiter.TryTake(3, VerifyLane::kPublic));
  EXPECT_FALSE(limiter.TryTake(2, VerifyLane::kPublic));
}

TEST(TableLimiterTest, RefundGivesBackOneTokenUpToTheBurst) {
  FakeClock clock;
  TableLimiter limiter(clock, 1, SmallTableLimits());
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_FALSE(limiter.TryTake(0, VerifyLane::kPublic));
  limiter.Refund(0, VerifyLane::kPublic);
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_FALSE(limiter.TryTake(0, VerifyLane::kPublic));
  // Refunds never push a full bucket past its burst.
  clock.Advance(seconds(10));
  limiter.Refund(0, VerifyLane::kPublic);
  limiter.Refund(0, VerifyLane::kPublic);
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_FALSE(limiter.TryTake(0, VerifyLane::kPublic));
}

TEST(TableLimiterTest, OutOfRangeTableIsRefusedAndZeroRateNeverRefills) {
  FakeClock clock;
  TableLimitOptions o = SmallTableLimits();
  o.public_per_second = 0;
  o.public_burst = 1;
  TableLimiter limiter(clock, 2, o);
  EXPECT_FALSE(limiter.TryTake(2, VerifyLane::kTerminal));
  limiter.Refund(7, VerifyLane::kTerminal);  // harmless
  EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic));
  clock.Advance(seconds(100000));
  EXPECT_FALSE(limiter.TryTake(0, VerifyLane::kPublic));
  EXPECT_LT(limiter.SecondsUntilToken(0, VerifyLane::kPublic), 0);
}

TEST(TableLimiterTest, DefaultsLetATerminalSendAnActaAndSeveralCorrections) {
  FakeClock clock;
  TableLimiter limiter(clock, 1, TableLimitOptions{});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kTerminal)) << i;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.TryTake(0, VerifyLane::kPublic)) << i;
}

PublicBudgetOptions SmallBudget() {
  PublicBudgetOptions o;
  o.global_per_second = 2;
  o.global_burst = 4;
  o.per_source_per_second = 1;
  o.per_source_burst = 2;
  o.max_sources = 3;
  return o;
}

TEST(PublicBudgetTest, PerNetworkBucketTriggersAndRecovers) {
  FakeClock clock;
  PublicBudget budget(clock, SmallBudget());
  EXPECT_TRUE(budget.TryTake(Ip("198.51.100.7")));
  EXPECT_TRUE(budget.TryTake(Ip("198.51.100.8")));
  // Another address of the same /24 shares the bucket.
  EXPECT_FALSE(budget.TryTake(Ip("198.51.100.200")));
  // Another network is not affected.
  EXPECT_TRUE(budget.TryTake(Ip("198.51.101.7")));
  // IPv6: one /48 is one network.
  EXPECT_TRUE(budget.TryTake(Ip("2001:db8:1:1::1")));
  clock.Advance(seconds(1));  // refills 1 per network and 2 globally
  EXPECT_TRUE(budget.TryTake(Ip("198.51.100.9")));
  EXPECT_FALSE(budget.TryTake(Ip("198.51.100.9")));
}

TEST(PublicBudgetTest, GlobalBucketTriggersAndRecovers) {
  FakeClock clock;
  PublicBudget budget(clock, SmallBudget());
  EXPECT_TRUE(budget.TryTake(Ip("10.0.1.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.2.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.3.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.4.1")));
  // Four networks, one request each, used the global burst of 4: a fresh
  // network with a full bucket of its own is refused.
  EXPECT_FALSE(budget.TryTake(Ip("10.0.5.1")));
  clock.Advance(milliseconds(500));  // one global token
  EXPECT_TRUE(budget.TryTake(Ip("10.0.5.1")));
  EXPECT_FALSE(budget.TryTake(Ip("10.0.6.1")));
  clock.Advance(seconds(2));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.6.1")));
}

TEST(PublicBudgetTest, TrackedNetworksAreBoundedLeastRecentlyUsedFirst) {
  FakeClock clock;
  PublicBudgetOptions o = SmallBudget();
  o.global_burst = 1000;
  PublicBudget budget(clock, o);
  EXPECT_TRUE(budget.TryTake(Ip("10.0.1.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.1.1")));
  EXPECT_FALSE(budget.TryTake(Ip("10.0.1.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.2.1")));
  EXPECT_TRUE(budget.TryTake(Ip("10.0.3.1")));
  EXPECT_EQ(budget.tracked_sources(), 3u);
  EXPECT_TRUE(budget.TryTake(Ip("10.0.4.1")));  // evicts 10.0.1.0/24, the oldest
  EXPECT_EQ(budget.tracked_sources(), 3u);
  // Forgotten, so it starts again with a full bucket (the price of bounded
  // memory; the global bucket still caps the total).
  EXPECT_TRUE(budget.TryTake(Ip("10.0.1.1")));
}

}  // namespace
}  // namespace acta::center
