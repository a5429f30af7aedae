#include "audit/draw.h"

#include <gtest/gtest.h>

namespace acta::audit {
namespace {

// The test vector of docs/FORMATS.md ("Audit draw"), cross-checked with
// Python's hashlib and big integers.
TEST(AuditDrawTest, FormatsDocumentVector) {
  const std::vector<Weight> weights = {3 * kWeightScale, 0, 5 * kWeightScale + 7, kWeightScale / 2};
  auto sampler = PpebSampler::Create(weights);
  ASSERT_TRUE(sampler.has_value());
  EXPECT_EQ(WeightToDecimal(sampler->total()), "36507222023");
  struct Want {
    const char* hash;
    const char* value;
    size_t position;
  };
  const Want want[] = {
      {"e1d67edd80c7f271daeb40b96af02082edf3000be9dc70585ef1b25a22e01525", "24019070570", 2},
      {"6b356b956c1048660b2b0fc6c7d14271f47526f64923848483847ddba96a3bf1", "23960961387", 2},
      {"aa2bc7bee60efae11c7667427112f0844f4d1b5aba0f2d3c26d74bb9bf98de9f", "16364341788", 2},
      {"633b98eab997675bde7233b4c9a39306673591d79b8b57fd3cd1524388cfd641", "2094358276", 0},
      {"afe2dea43f4ed35044d5eed55146ba98feab7cf8957c75d0c9b937e96515ed9d", "14928452665", 2},
  };
  for (uint64_t i = 1; i <= 5; ++i) {
    const DrawResult d = sampler->Draw("31415926535897932384", "president", i);
    EXPECT_EQ(d.index, i);
    EXPECT_EQ(HexEncode(d.hash), want[i - 1].hash) << i;
    EXPECT_EQ(WeightToDecimal(d.value), want[i - 1].value) << i;
    EXPECT_EQ(d.position, want[i - 1].position) << i;
  }
  // A modulus near 2^100 exercises the 128-bit reduction.
  EXPECT_EQ(WeightToDecimal(DrawValue(DrawHash("31415926535897932384", "president", 1),
                                      (Weight{1} << 100) + 12345)),
            "439541480669105546941447987673");
}

TEST(AuditDrawTest, NeverDrawsAZeroWeight) {
  const std::vector<Weight> weights = {0, 1, 0, 1, 0};
  auto sampler = PpebSampler::Create(weights);
  ASSERT_TRUE(sampler.has_value());
  for (uint64_t i = 1; i <= 200; ++i) {
    const size_t p = sampler->Draw("1", "c", i).position;
    EXPECT_TRUE(p == 1 || p == 3) << p;
  }
}

TEST(AuditDrawTest, RefusesNothingToDraw) {
  const std::vector<Weight> zeros = {0, 0};
  EXPECT_EQ(PpebSampler::Create(zeros).error().code, ErrorCode::kInvalidArgument);
  const std::vector<Weight> huge = {kMaxTotalWeight, 1};
  EXPECT_EQ(PpebSampler::Create(huge).error().code, ErrorCode::kInvalidArgument);
}

TEST(AuditDrawTest, SeedIsDecimalDigits) {
  EXPECT_TRUE(CheckSeed("31415926535897932384").has_value());
  EXPECT_EQ(CheckSeed("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckSeed("12a4").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckSeed("12,4").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckSeed(std::string(257, '1')).error().code, ErrorCode::kInvalidArgument);
}

TEST(AuditDrawTest, WeightDecimalRoundTrip) {
  for (Weight w : {Weight{0}, Weight{7}, kWeightScale, (Weight{1} << 119) + 3}) {
    EXPECT_EQ(WeightFromDecimal(WeightToDecimal(w)), w);
  }
  EXPECT_FALSE(WeightFromDecimal("").has_value());
  EXPECT_FALSE(WeightFromDecimal("01").has_value());
  EXPECT_FALSE(WeightFromDecimal("-1").has_value());
  EXPECT_FALSE(WeightFromDecimal(WeightToDecimal(kMaxTotalWeight)).has_value());
  EXPECT_DOUBLE_EQ(WeightToDouble(3 * kWeightScale + kWeightScale / 4), 3.25);
}

}  // namespace
}  // namespace acta::audit
