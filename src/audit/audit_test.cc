#include "audit/audit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audit/test_reports.h"

namespace acta::audit {
namespace {

using testing::AsReported;
using testing::Counted;
using testing::Params;
using testing::Report;

// 400 tables of 100 ballots, A 60 - B 40 in each: V_AB = 8000,
// u_p = (20 + 100) / 8000 = 0.015, U = 6, so the first round draws
// ceil(ln 0.05 / ln(5/6)) + 1 = 18.
ContestReport Wide(size_t tables = 400) {
  std::vector<ReportedTable> t;
  for (uint32_t i = 1; i <= tables; ++i) t.push_back(Counted(i, {60, 40}, 100));
  return Report({"A", "B"}, std::move(t));
}

TEST(AuditTest, PlanDrawsTheFirstRound) {
  const ContestReport r = Wide();
  auto a = RunAudit(r, Params(), {});
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_NEAR(a->total_bound, 6, 1e-6);  // each u_p rounded up to 2^-32
  EXPECT_EQ(a->tables_with_bound, 400u);
  ASSERT_EQ(a->rounds.size(), 1u);
  EXPECT_EQ(a->rounds[0].draws.size(), 18u);
  EXPECT_EQ(a->rounds[0].first_draw, 1u);
  EXPECT_EQ(a->rounds[0].decision, Decision::kAwaitingHandCounts);
  EXPECT_EQ(a->status, AuditStatus::kInProgress);
  EXPECT_LE(a->rounds[0].to_count.size(), 18u);
  EXPECT_TRUE(std::is_sorted(a->rounds[0].to_count.begin(), a->rounds[0].to_count.end()));
}

TEST(AuditTest, CleanSampleStops) {
  const ContestReport r = Wide();
  auto plan = RunAudit(r, Params(), {});
  ASSERT_TRUE(plan.has_value());
  const std::vector<HandCounts> hand = {AsReported(r, plan->rounds[0])};
  auto a = RunAudit(r, Params(), hand);
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_EQ(a->status, AuditStatus::kRiskLimitMet);
  EXPECT_EQ(a->rounds[0].decision, Decision::kStop);
  EXPECT_NEAR(a->rounds[0].risk, std::pow(5.0 / 6, 18), 1e-8);
  EXPECT_LE(a->rounds[0].risk, 0.05);
  // Nothing can be recorded after the end.
  const std::vector<HandCounts> more = {hand[0], HandCounts{}};
  EXPECT_EQ(RunAudit(r, Params(), more).error().code, ErrorCode::kFailedPrecondition);
}

// Every sampled table shows 3 votes moved from B to A: each draw multiplies
// the risk by (5/6) / (1 - (6/8000)/0.015) = (5/6) / 0.95 < 1, so the risk
// falls slowly and the audit escalates. With 12 votes moved (taint 0.2,
// factor 1.04) it can never stop and ends in a full hand count.
HandCounts Shifted(const ContestReport& r, const Round& round, uint64_t moved) {
  HandCounts h = AsReported(r, round);
  for (auto& [id, votes] : h) {
    votes[0] -= moved;
    votes[1] += moved;
  }
  return h;
}

TEST(AuditTest, EscalatesThroughRoundsToAFullCount) {
  const ContestReport r = Wide();
  std::vector<HandCounts> hand;
  size_t escalations = 0;
  for (int step = 0; step < 50; ++step) {
    auto a = RunAudit(r, Params(), hand);
    ASSERT_TRUE(a.has_value()) << a.error().ToString();
    if (a->status == AuditStatus::kFullCount) {
      ASSERT_FALSE(a->rounds.empty());
      EXPECT_EQ(a->rounds.back().decision, Decision::kFullCount);
      EXPECT_NE(a->reason.find("tables left to count"), std::string::npos) << a->reason;
      break;
    }
    ASSERT_EQ(a->status, AuditStatus::kInProgress);
    const Round& last = a->rounds.back();
    ASSERT_EQ(last.decision, Decision::kAwaitingHandCounts);
    if (a->rounds.size() > 1) {
      ++escalations;
      const Round& prev = a->rounds[a->rounds.size() - 2];
      EXPECT_EQ(prev.decision, Decision::kEscalate);
      EXPECT_GT(prev.risk, 0.05);
      EXPECT_EQ(last.first_draw, prev.first_draw + prev.draws.size());
      // The next round is sized from the measured risk.
      EXPECT_EQ(last.draws.size(), DrawsNeeded(0.05, prev.risk, a->total_bound));
    }
    hand.push_back(Shifted(r, last, 12));
  }
  EXPECT_GE(escalations, 2u);
  auto final = RunAudit(r, Params(), hand);
  ASSERT_TRUE(final.has_value());
  EXPECT_EQ(final->status, AuditStatus::kFullCount);
}

TEST(AuditTest, SmallOverstatementsEscalateThenStop) {
  const ContestReport r = Wide();
  std::vector<HandCounts> hand;
  AuditStatus status = AuditStatus::kInProgress;
  size_t rounds = 0;
  for (int step = 0; step < 20 && status == AuditStatus::kInProgress; ++step) {
    auto a = RunAudit(r, Params(), hand);
    ASSERT_TRUE(a.has_value()) << a.error().ToString();
    status = a->status;
    rounds = a->rounds.size();
    if (status == AuditStatus::kInProgress) {
      // Round 1 has errors; later rounds are clean.
      hand.push_back(hand.empty() ? Shifted(r, a->rounds.back(), 6)
                                  : AsReported(r, a->rounds.back()));
    }
  }
  EXPECT_EQ(status, AuditStatus::kRiskLimitMet);
  EXPECT_GE(rounds, 2u);
}

TEST(AuditTest, TaintOfOneMeansFullCount) {
  const ContestReport r = Wide();
  auto plan = RunAudit(r, Params(), {});
  ASSERT_TRUE(plan.has_value());
  HandCounts h = AsReported(r, plan->rounds[0]);
  h.begin()->second = {0, 100};  // the whole table for the loser
  const std::vector<HandCounts> hand = {h};
  auto a = RunAudit(r, Params(), hand);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, AuditStatus::kFullCount);
  EXPECT_EQ(a->rounds[0].decision, Decision::kFullCount);
  EXPECT_NE(a->reason.find("taint 1"), std::string::npos) << a->reason;
}

TEST(AuditTest, TieDrawsNothing) {
  const ContestReport r = Report({"A", "B"}, {Counted(1, {5, 5}, 10), Counted(2, {3, 3}, 6)});
  auto a = RunAudit(r, Params(), {});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, AuditStatus::kFullCount);
  EXPECT_TRUE(a->rounds.empty());
}

TEST(AuditTest, FirstRoundAsLargeAsTheElectionIsAFullCount) {
  // 10 tables, U = 6: 18 draws >= 10 tables.
  auto a = RunAudit(Wide(10), Params(), {});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, AuditStatus::kFullCount);
  EXPECT_TRUE(a->rounds.empty());
}

TEST(AuditTest, HandCountsMustCoverExactlyTheRound) {
  const ContestReport r = Wide();
  auto plan = RunAudit(r, Params(), {});
  ASSERT_TRUE(plan.has_value());
  HandCounts h = AsReported(r, plan->rounds[0]);
  const uint32_t dropped = h.begin()->first;
  h.erase(h.begin());
  std::vector<HandCounts> hand = {h};
  auto missing = RunAudit(r, Params(), hand);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("lack table(s) " + std::to_string(dropped)),
            std::string::npos)
      << missing.error().message;

  hand[0] = AsReported(r, plan->rounds[0]);
  hand[0][100000] = {1, 2};
  EXPECT_NE(RunAudit(r, Params(), hand).error().message.find("did not ask for"), std::string::npos);
  hand[0] = AsReported(r, plan->rounds[0]);
  hand[0].begin()->second = {1, 2, 3};
  EXPECT_EQ(RunAudit(r, Params(), hand).error().code, ErrorCode::kInvalidArgument);
}

TEST(AuditTest, ParametersAreChecked) {
  const ContestReport r = Wide();
  EXPECT_EQ(RunAudit(r, Params("0.0"), {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunAudit(r, Params("1.0"), {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunAudit(r, Params("5%"), {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunAudit(r, Params("0.05", "dice"), {}).error().code, ErrorCode::kInvalidArgument);
  AuditParameters other = Params();
  other.contest_id = "mayor";
  EXPECT_EQ(RunAudit(r, other, {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_DOUBLE_EQ(ParseRiskLimit("0.05").value(), 0.05);
}

TEST(AuditTest, SameInputsSameDraws) {
  const ContestReport r = Wide();
  auto a = RunAudit(r, Params(), {});
  auto b = RunAudit(r, Params(), {});
  auto c = RunAudit(r, Params("0.05", "27182818284590452353"), {});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->rounds[0].to_count, b->rounds[0].to_count);
  EXPECT_NE(a->rounds[0].to_count, c->rounds[0].to_count);
}

}  // namespace
}  // namespace acta::audit
