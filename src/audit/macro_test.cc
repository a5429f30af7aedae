#include "audit/macro.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audit/test_reports.h"

namespace acta::audit {
namespace {

using testing::Counted;
using testing::Missing;
using testing::Report;

// Worked by hand. Candidates A, B, C; table 4 sends no acta (20 registered).
//   V_A = 150, V_B = 120, V_C = 25, M = 20
//   V_AB = 150 - 120 - 20 = 10,  V_AC = 150 - 25 - 20 = 105
//   u_1 = max((60-30+100)/10, (60-10+100)/105) = 13
//   u_2 = max((50-40+100)/10, (50-5+100)/105)  = 11
//   u_3 = max((40-50+100)/10, (40-10+100)/105) = 9,   U = 33
ContestReport Worked() {
  return Report({"A", "B", "C"}, {Counted(1, {60, 30, 10}, 100), Counted(2, {50, 40, 5}, 100),
                                  Counted(3, {40, 50, 10}, 100), Missing(4, 20, 3)});
}

TEST(MacroTest, MarginsLessTheUnreportedTables) {
  const Margins m = ComputeMargins(Worked());
  ASSERT_TRUE(m.auditable()) << m.full_count_reason;
  EXPECT_EQ(m.winner, 0);
  EXPECT_EQ(m.totals, (std::vector<uint64_t>{150, 120, 25}));
  EXPECT_EQ(m.unreported, 20u);
  EXPECT_EQ(m.pair[1], 10);
  EXPECT_EQ(m.pair[2], 105);
}

TEST(MacroTest, ErrorBoundsAreTheLargestPairBound) {
  const ContestReport r = Worked();
  const Margins m = ComputeMargins(r);
  EXPECT_EQ(ErrorBound(r.tables[0], m), 13 * kWeightScale);
  EXPECT_EQ(ErrorBound(r.tables[1], m), 11 * kWeightScale);
  EXPECT_EQ(ErrorBound(r.tables[2], m), 9 * kWeightScale);
  EXPECT_EQ(ErrorBound(r.tables[3], m), 0u);  // no report, no draw: it is in M
}

TEST(MacroTest, ErrorBoundRoundsUp) {
  // (7 - 0 + 10) / 3 = 5.666...: ceil(17 * 2^32 / 3) = 24338148011.
  const ContestReport r = Report({"A", "B"}, {Counted(1, {7, 0}, 10), Counted(2, {0, 4}, 10)});
  const Margins m = ComputeMargins(r);
  ASSERT_EQ(m.pair[1], 3);
  EXPECT_EQ(ErrorBound(r.tables[0], m), Weight{24338148011});
}

TEST(MacroTest, CleanHandCountHasNoTaint) {
  const ContestReport r = Worked();
  const Margins m = ComputeMargins(r);
  const std::vector<uint64_t> hand = {60, 30, 10};
  const Discrepancy d = CompareHandCount(r.tables[0], hand, m, 13 * kWeightScale);
  EXPECT_EQ(d.overstatement, 0);
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.taint, 0);
  EXPECT_FALSE(d.at_bound);
}

TEST(MacroTest, OneOverstatement) {
  // Paper A=58 B=32: e = ((60-30) - (58-32)) / 10 = 0.4 (the A-C pair gives 2/105).
  const ContestReport r = Worked();
  const Margins m = ComputeMargins(r);
  const std::vector<uint64_t> hand = {58, 32, 10};
  const Discrepancy d = CompareHandCount(r.tables[0], hand, m, 13 * kWeightScale);
  EXPECT_EQ(d.overstatement, 4);
  EXPECT_DOUBLE_EQ(d.error, 0.4);
  EXPECT_DOUBLE_EQ(d.taint, 0.4 / 13);
  EXPECT_FALSE(d.at_bound);
  EXPECT_DOUBLE_EQ(DrawRiskFactor(33, d.taint), (1 - 1.0 / 33) / (1 - 0.4 / 13));
}

TEST(MacroTest, UnderstatementCountsAsZero) {
  // Paper A=52 B=38 C=5: the winner did better on paper; no credit is taken.
  const ContestReport r = Worked();
  const Margins m = ComputeMargins(r);
  const std::vector<uint64_t> hand = {52, 38, 5};
  const Discrepancy d = CompareHandCount(r.tables[1], hand, m, 11 * kWeightScale);
  EXPECT_EQ(d.overstatement, -2);  // the A-C pair: -2 / 105 beats -4 / 10
  EXPECT_EQ(d.error, 0);
  EXPECT_EQ(d.taint, 0);
}

TEST(MacroTest, TaintOfOneIsExactNotRounded) {
  // Paper A=0 B=100 C=0: e = ((40-50) - (0-100)) / 10 = 9 = u_3.
  const ContestReport r = Worked();
  const Margins m = ComputeMargins(r);
  const std::vector<uint64_t> hand = {0, 100, 0};
  const Discrepancy d = CompareHandCount(r.tables[2], hand, m, 9 * kWeightScale);
  EXPECT_TRUE(d.at_bound);
  EXPECT_EQ(d.taint, 1);
  // One vote short of the bound is not.
  const std::vector<uint64_t> almost = {1, 99, 0};
  EXPECT_FALSE(CompareHandCount(r.tables[2], almost, m, 9 * kWeightScale).at_bound);
}

TEST(MacroTest, TieNeedsAFullCount) {
  const Margins m =
      ComputeMargins(Report({"A", "B"}, {Counted(1, {50, 40}, 100), Counted(2, {40, 50}, 100)}));
  EXPECT_FALSE(m.auditable());
  EXPECT_EQ(m.winner, -1);
  EXPECT_NE(m.full_count_reason.find("tie"), std::string::npos) << m.full_count_reason;
}

TEST(MacroTest, MarginSwallowedByMissingTables) {
  // A leads by 10 but two tables with 6 registered voters each are missing.
  const Margins m = ComputeMargins(
      Report({"A", "B"}, {Counted(1, {60, 50}, 110), Missing(2, 6, 2), Missing(3, 6, 2)}));
  EXPECT_FALSE(m.auditable());
  EXPECT_EQ(m.winner, 0);
  EXPECT_EQ(m.pair[1], -2);
  EXPECT_NE(m.full_count_reason.find("12 registered voters"), std::string::npos)
      << m.full_count_reason;
}

TEST(MacroTest, SampleSizeOfTheIssueExample) {
  // U = 21, alpha = 0.25: ceil(ln 0.25 / ln(20/21)) + 1 = ceil(28.41) + 1 = 30.
  EXPECT_EQ(DrawsNeeded(0.25, 1, 21), 30u);
  // Later rounds start from the measured risk.
  EXPECT_EQ(DrawsNeeded(0.25, 0.5, 21),
            static_cast<uint64_t>(std::ceil(std::log(0.5) / std::log(20.0 / 21))) + 1);
  EXPECT_EQ(DrawsNeeded(0.25, 0.25, 21), 0u);
}

}  // namespace
}  // namespace acta::audit
