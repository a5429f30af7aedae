#include "terminal/backoff.h"

#include <gtest/gtest.h>

namespace acta::terminal {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, FullJitterStaysWithinTheDoublingCeilingAndTheCap) {
  BackoffPolicy p{milliseconds(100), milliseconds(1'000), milliseconds(0)};
  SeededRandom rng(7);
  const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (uint32_t failures = 1; failures <= 7; ++failures) {
    int64_t max_seen = 0;
    int64_t min_seen = INT64_MAX;
    for (int i = 0; i < 2000; ++i) {
      const int64_t d = BackoffDelay(p, failures, rng).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceilings[failures - 1]) << "failures=" << failures;
      max_seen = std::max(max_seen, d);
      min_seen = std::min(min_seen, d);
    }
    // Full jitter: the draws cover the whole interval, not just its top.
    EXPECT_GT(max_seen, ceilings[failures - 1] * 9 / 10);
    EXPECT_LT(min_seen, ceilings[failures - 1] / 10);
  }
}

TEST(BackoffTest, FloorAndHugeFailureCountsDoNotOverflow) {
  BackoffPolicy p{milliseconds(500), milliseconds(60'000), milliseconds(10)};
  SeededRandom rng(1);
  for (int i = 0; i < 1000; ++i) {
    const auto d = BackoffDelay(p, 4'000'000'000u, rng);
    ASSERT_GE(d.count(), 10);
    ASSERT_LE(d.count(), 60'000);
  }
}

TEST(BackoffTest, SameSeedSameDelays) {
  BackoffPolicy p;
  SeededRandom a(42), b(42), c(43);
  std::vector<int64_t> da, db, dc;
  for (uint32_t f = 1; f <= 20; ++f) {
    da.push_back(BackoffDelay(p, f, a).count());
    db.push_back(BackoffDelay(p, f, b).count());
    dc.push_back(BackoffDelay(p, f, c).count());
  }
  EXPECT_EQ(da, db);
  EXPECT_NE(da, dc);
}

}  // namespace
}  // namespace acta::terminal
