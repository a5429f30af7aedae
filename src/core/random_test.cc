#include "core/random.h"

#include <gtest/gtest.h>

#include <set>

namespace acta {
namespace {

TEST(SeededRandomTest, DeterministicAndForksDiffer) {
  SeededRandom a(42), b(42), c(43);
  uint64_t va = a.NextU64();
  EXPECT_EQ(va, b.NextU64());
  EXPECT_NE(va, c.NextU64());
  SeededRandom f1 = SeededRandom(42).Fork(1), f2 = SeededRandom(42).Fork(2);
  EXPECT_NE(f1.NextU64(), f2.NextU64());
}

TEST(RandomTest, UniformStaysInBoundsAndCoversRange) {
  SeededRandom r(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = r.Uniform(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
    double d = r.UniformDouble();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
  }
  EXPECT_EQ(seen.size(), 10u);
}

}  // namespace
}  // namespace acta
