#include "center/telemetry/space_saving.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "core/random.h"

namespace acta::telemetry {
namespace {

TEST(SpaceSavingTest, ExactBelowCapacity) {
  SpaceSaving<std::string> s(4);
  s.Add("a", 3);
  s.Add("b");
  s.Add("a");
  s.Add("c", 2);
  const auto top = s.Top(10);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].key, "a");
  EXPECT_EQ(top[0].count, 4u);
  EXPECT_EQ(top[0].error, 0u);
  EXPECT_EQ(top[1].key, "c");
  EXPECT_EQ(top[1].count, 2u);
  EXPECT_EQ(top[2].key, "b");
  EXPECT_EQ(top[2].count, 1u);
  EXPECT_EQ(s.total(), 7u);
  EXPECT_EQ(s.Top(1).size(), 1u);
}

TEST(SpaceSavingTest, ReplacesSmallestAndCarriesItsCountAsError) {
  SpaceSaving<std::string> s(2);
  s.Add("a", 5);
  s.Add("b", 2);
  s.Add("c");  // evicts b (2): c gets 3 with error 2
  const auto top = s.Top(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].key, "a");
  EXPECT_EQ(top[1].key, "c");
  EXPECT_EQ(top[1].count, 3u);
  EXPECT_EQ(top[1].error, 2u);
}

TEST(SpaceSavingTest, HeavyHittersSurviveAFloodOfDistinctKeys) {
  constexpr size_t kK = 64;
  SpaceSaving<uint32_t> s(kK);
  std::map<uint32_t, uint64_t> truth;
  // Five heavy keys (ids 1..5) with 3000, 2500, 2000, 1500, 1000 items,
  // interleaved with 50,000 keys seen once each.
  const uint64_t heavy[5] = {3000, 2500, 2000, 1500, 1000};
  uint32_t noise = 1000;
  for (int round = 0; round < 3000; ++round) {
    for (uint32_t h = 0; h < 5; ++h) {
      if (static_cast<uint64_t>(round) < heavy[h]) {
        s.Add(h + 1);
        ++truth[h + 1];
      }
    }
    for (int i = 0; i < 17; ++i) {
      s.Add(noise);
      ++truth[noise++];
    }
  }
  ASSERT_GT(s.total() / kK, 0u);
  const auto top = s.Top(kK);
  for (uint32_t h = 1; h <= 5; ++h) {
    ASSERT_GT(truth[h], s.total() / kK) << "the guarantee needs count > N/k";
    auto it = std::find_if(top.begin(), top.end(), [&](const auto& c) { return c.key == h; });
    ASSERT_NE(it, top.end()) << "heavy key " << h << " lost";
    EXPECT_GE(it->count, truth[h]);
    EXPECT_LE(it->count - it->error, truth[h]);
  }
  // The five heavy keys are the five largest counters, in order.
  for (uint32_t h = 1; h <= 5; ++h) EXPECT_EQ(top[h - 1].key, h);
  // Every counter's bounds hold, heavy or not.
  for (const auto& c : top) {
    EXPECT_GE(c.count, truth[c.key]);
    EXPECT_LE(c.count - c.error, truth[c.key]);
  }
}

TEST(SpaceSavingTest, BoundsHoldOnARandomStream) {
  SeededRandom rng(7);
  SpaceSaving<uint64_t> s(16);
  std::map<uint64_t, uint64_t> truth;
  for (int i = 0; i < 20000; ++i) {
    // Skewed: small keys are much more likely.
    const uint64_t key = rng.Uniform(1 + rng.Uniform(500));
    s.Add(key);
    ++truth[key];
  }
  for (const auto& c : s.Top(16)) {
    EXPECT_GE(c.count, truth[c.key]) << c.key;
    EXPECT_LE(c.count - c.error, truth[c.key]) << c.key;
  }
}

TEST(SpaceSavingTest, MemoryDoesNotGrowPastCapacity) {
  SpaceSaving<uint64_t> s(32);
  for (uint64_t i = 0; i < 32; ++i) s.Add(i);
  const size_t full = s.MemoryBytes();
  for (uint64_t i = 32; i < 200'000; ++i) s.Add(i);
  EXPECT_EQ(s.size(), 32u);
  EXPECT_EQ(s.MemoryBytes(), full);
}

}  // namespace
}  // namespace acta::telemetry
