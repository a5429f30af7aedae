#include "center/telemetry/hyperloglog.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace acta::telemetry {
namespace {

uint64_t HashV4(uint32_t v) {
  const std::array<uint8_t, 4> b = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                    static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  return HashAddressBytes(b.data(), b.size());
}

TEST(HyperLogLogTest, EmptyIsZero) {
  HyperLogLog hll;
  EXPECT_TRUE(hll.empty());
  EXPECT_EQ(hll.Estimate(), 0.0);
}

TEST(HyperLogLogTest, SmallCardinalitiesAreNearlyExact) {
  for (uint32_t n : {1u, 2u, 10u, 100u, 1000u}) {
    HyperLogLog hll(14);
    for (uint32_t i = 0; i < n; ++i) hll.AddHash(HashV4(0x0a000000 + i));
    // Below ~1000 items the only error is two items sharing a register.
    EXPECT_NEAR(hll.Estimate(), n, std::max(1.0, n * 0.02)) << n;
  }
}

TEST(HyperLogLogTest, HundredThousandDistinctWithinThreePercent) {
  HyperLogLog hll(14);
  constexpr uint32_t kN = 100'000;
  for (uint32_t i = 0; i < kN; ++i) hll.AddHash(HashV4(0xc0000000 + i * 7));
  const double estimate = hll.Estimate();
  EXPECT_LT(std::abs(estimate - kN) / kN, 0.03) << estimate;
}

TEST(HyperLogLogTest, LargeCardinalityWithLowPrecisionStaysReasonable) {
  // Precision 10 (1 KB): standard error ~3.3 %, so 15 % is > 4 sigma.
  HyperLogLog hll(10);
  constexpr uint32_t kN = 1'000'000;
  for (uint32_t i = 0; i < kN; ++i) hll.AddHash(HashV4(i));
  EXPECT_LT(std::abs(hll.Estimate() - kN) / kN, 0.15) << hll.Estimate();
  EXPECT_EQ(hll.MemoryBytes(), sizeof(HyperLogLog) + 1024);
}

TEST(HyperLogLogTest, DuplicatesDoNotCount) {
  HyperLogLog once(14);
  HyperLogLog tenfold(14);
  for (uint32_t i = 0; i < 5000; ++i) once.AddHash(HashV4(i));
  for (int round = 0; round < 10; ++round) {
    for (uint32_t i = 0; i < 5000; ++i) tenfold.AddHash(HashV4(i));
  }
  EXPECT_EQ(once.Estimate(), tenfold.Estimate());
  EXPECT_NEAR(once.Estimate(), 5000, 5000 * 0.03);
}

TEST(HyperLogLogTest, ClearForgets) {
  HyperLogLog hll(12);
  for (uint32_t i = 0; i < 1000; ++i) hll.AddHash(HashV4(i));
  hll.Clear();
  EXPECT_TRUE(hll.empty());
  EXPECT_EQ(hll.Estimate(), 0.0);
  hll.AddHash(HashV4(1));
  EXPECT_NEAR(hll.Estimate(), 1.0, 0.01);
}

TEST(HyperLogLogTest, PrecisionIsClamped) {
  EXPECT_EQ(HyperLogLog(1).precision(), HyperLogLog::kMinPrecision);
  EXPECT_EQ(HyperLogLog(40).precision(), HyperLogLog::kMaxPrecision);
}

}  // namespace
}  // namespace acta::telemetry
