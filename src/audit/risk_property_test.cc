// The risk limit holds empirically: over many simulated elections whose
// reported outcome is wrong, the audit stops (confirms the wrong winner)
// at most about alpha of the time.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "audit/audit.h"
#include "audit/test_reports.h"

namespace acta::audit {
namespace {

using testing::AsReported;
using testing::Counted;
using testing::Report;

// 1000 tables of 100 ballots each report A 60 - B 40 (V_AB = 20,000,
// u_p = 0.006, U = 6). On paper, the first `flipped` tables are all B
// (100 votes each): each hides an overstatement of 120, the most a table
// can hide. With 167 such tables B truly wins (167 x 120 > 20,000). This is
// close to MACRO's worst case: uniform bounds, so a wrong outcome survives
// only when no flipped table is drawn, which for a first round of
// n = ceil(ln 0.1 / ln(5/6)) + 1 = 14 draws happens with probability
// (833/1000)^14 = 0.078, just under alpha = 0.1.
struct Election {
  ContestReport report;
  std::vector<std::vector<uint64_t>> paper;
};

Election Flipped(uint32_t flipped) {
  Election e;
  std::vector<ReportedTable> tables;
  for (uint32_t i = 1; i <= 1000; ++i) {
    tables.push_back(Counted(i, {60, 40}, 100));
    e.paper.push_back(i <= flipped ? std::vector<uint64_t>{0, 100} : std::vector<uint64_t>{60, 40});
  }
  e.report = Report({"A", "B"}, std::move(tables));
  return e;
}

// Runs one audit to its end with hand counts read from the paper.
AuditStatus RunToEnd(const Election& e, const AuditParameters& params) {
  std::vector<HandCounts> hand;
  for (int round = 0; round < 100; ++round) {
    auto a = RunAudit(e.report, params, hand);
    if (!a) return AuditStatus::kInProgress;  // fails the test below
    if (a->status != AuditStatus::kInProgress) return a->status;
    HandCounts h;
    for (uint32_t id : a->rounds.back().to_count) h[id] = e.paper[id - 1];
    hand.push_back(std::move(h));
  }
  return AuditStatus::kInProgress;
}

TEST(RiskPropertyTest, WrongOutcomeSurvivesAtMostAboutAlpha) {
  const Election e = Flipped(167);
  const int trials = 3000;
  int confirmed_wrong = 0, full_counts = 0;
  for (int i = 0; i < trials; ++i) {
    AuditParameters p = testing::Params("0.1", "20261206" + std::to_string(i));
    const AuditStatus s = RunToEnd(e, p);
    ASSERT_NE(s, AuditStatus::kInProgress) << "trial " << i;
    if (s == AuditStatus::kRiskLimitMet) ++confirmed_wrong;
    if (s == AuditStatus::kFullCount) ++full_counts;
  }
  const double rate = static_cast<double>(confirmed_wrong) / trials;
  std::printf("wrong outcome confirmed in %d of %d audits (%.4f), full count in %d\n",
              confirmed_wrong, trials, rate, full_counts);
  const double sigma = std::sqrt(0.1 * 0.9 / trials);
  // The promised bound, with three standard deviations of sampling noise.
  EXPECT_LE(rate, 0.1 + 3 * sigma) << confirmed_wrong << " of " << trials;
  // And about the rate the arithmetic above predicts: the audit is not
  // just refusing to ever stop.
  EXPECT_NEAR(rate, std::pow(833.0 / 1000, 14), 3 * sigma) << confirmed_wrong;
  EXPECT_EQ(confirmed_wrong + full_counts, trials);
}

TEST(RiskPropertyTest, CorrectOutcomeUsuallyStops) {
  // The same election with honest paper: the audit stops in round 1 always.
  const Election e = Flipped(0);
  for (int i = 0; i < 200; ++i) {
    AuditParameters p = testing::Params("0.1", "7" + std::to_string(i));
    EXPECT_EQ(RunToEnd(e, p), AuditStatus::kRiskLimitMet) << i;
  }
}

}  // namespace
}  // namespace acta::audit
