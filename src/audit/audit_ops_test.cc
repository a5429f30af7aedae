#include "audit/audit_ops.h"

#include <gtest/gtest.h>

#include "audit/testing_log.h"
#include "verify/pinned_log.h"

namespace acta::audit {
namespace {

// 200 tables reporting A 60 / B 30 / C 5: V_AB = 6000, u_p = 130/6000,
// U = 4.33, a first round of ceil(ln 0.05 / ln(1 - 1/U)) + 1 = 13 draws.
class AuditOpsTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::PublishLog(log_, 200, {190, 200}); }

  Result<Audit> Plan(uint64_t size = 200) {
    return PlanAudit(log_, {size, "president", "0.05", "31415926535897932384"}, dir_);
  }

  // The hand counts of the pending round, as the paper reads (`alter`
  // changes them first).
  std::string HandCsv(const Audit& a,
                      const std::function<void(std::vector<uint64_t>&)>& alter = {}) {
    std::string csv = "table,p1,p2,p3\n";
    for (uint32_t id : a.rounds.back().to_count) {
      std::vector<uint64_t> v = {60, 30, 5};
      if (alter) alter(v);
      csv += std::to_string(id) + "," + std::to_string(v[0]) + "," + std::to_string(v[1]) + "," +
             std::to_string(v[2]) + "\n";
    }
    return csv;
  }

  verify::MemoryFiles log_;
  verify::MemoryFiles dir_;
};

TEST_F(AuditOpsTest, PinnedLogIsTheLogAtTheCheckpoint) {
  auto at190 = verify::LoadPinnedLog(log_, 190);
  ASSERT_TRUE(at190.has_value()) << at190.error().ToString();
  EXPECT_EQ(at190->checkpoint.size, 190u);
  EXPECT_EQ(at190->tally->log_size(), 190u);
  EXPECT_EQ(at190->tally->StateAt(195), tally::TableState::kMissing);
  auto none = verify::LoadPinnedLog(log_, 150);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("sizes: 190, 200"), std::string::npos)
      << none.error().message;
}

TEST_F(AuditOpsTest, PlanRecordVerifyStops) {
  auto plan = Plan();
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->rounds.at(0).draws.size(), 13u);
  EXPECT_TRUE(dir_.Read("round-1/teams.txt").has_value());
  auto v = VerifyAuditDir(log_, dir_);
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_TRUE(v->ok()) << v->problems.front();

  auto rec = RecordHandCounts(dir_, HandCsv(*plan), "hand.csv");
  ASSERT_TRUE(rec.has_value()) << rec.error().ToString();
  EXPECT_EQ(rec->status, AuditStatus::kRiskLimitMet);
  v = VerifyAuditDir(log_, dir_);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ok()) << v->problems.front();
  EXPECT_EQ(v->audit.status, AuditStatus::kRiskLimitMet);

  // Nothing more can be recorded, and nothing changes.
  const auto before = dir_.map();
  auto again = RecordHandCounts(dir_, HandCsv(*plan), "hand.csv");
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dir_.map(), before);
}

TEST_F(AuditOpsTest, PinnedToAnEarlierCheckpoint) {
  // At size 190 the last 10 tables (1,100 registered voters) are missing.
  auto plan = Plan(190);
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->margins.unreported, 1100u);
  EXPECT_EQ(plan->margins.pair[1], 190 * 30 - 1100);
  EXPECT_TRUE(VerifyAuditDir(log_, dir_).value().ok());
}

TEST_F(AuditOpsTest, PaperErrorsEscalate) {
  auto plan = Plan();
  ASSERT_TRUE(plan.has_value());
  // Every sampled table's paper moves 10 votes from A to B.
  auto rec = RecordHandCounts(
      dir_, HandCsv(*plan, [](std::vector<uint64_t>& v) { v[0] -= 10, v[1] += 10; }), "h.csv");
  ASSERT_TRUE(rec.has_value()) << rec.error().ToString();
  ASSERT_EQ(rec->rounds.size(), 2u);
  EXPECT_EQ(rec->rounds[0].decision, Decision::kEscalate);
  EXPECT_TRUE(dir_.Read("round-2/sample.csv").has_value());
  EXPECT_TRUE(VerifyAuditDir(log_, dir_).value().ok());
}

TEST_F(AuditOpsTest, VerifyFindsEveryAlteredFile) {
  ASSERT_TRUE(Plan().has_value());
  auto plan = LoadAuditInputs(dir_);
  ASSERT_TRUE(plan.has_value());
  auto rec =
      RecordHandCounts(dir_, HandCsv(RunAudit(plan->report, plan->params, {}).value()), "hand.csv");
  ASSERT_TRUE(rec.has_value());
  const auto good = dir_.map();
  auto expect_problem = [&](const std::string& path, const std::string& from, const std::string& to,
                            const std::string& blamed) {
    dir_.map() = good;
    std::string text(AsChars(dir_.map().at(path)));
    ASSERT_NE(text.find(from), std::string::npos) << path;
    text.replace(text.find(from), from.size(), to);
    dir_.map()[path] = Bytes(text.begin(), text.end());
    auto v = VerifyAuditDir(log_, dir_);
    ASSERT_TRUE(v.has_value()) << v.error().ToString();
    ASSERT_FALSE(v->ok()) << path;
    bool found = false;
    for (const auto& p : v->problems) found |= p.starts_with(blamed);
    EXPECT_TRUE(found) << path << ": " << v->problems.front();
  };
  // A hand count changed after the fact changes the recomputed decision.
  expect_problem("round-1/hand_counts.csv", ",60,30,5\n", ",50,40,5\n", "audit.json");
  expect_problem("round-1/sample.csv", "\n1,", "\n2,", "round-1/sample.csv");
  expect_problem("reported.csv", ",60,30,5\n", ",70,20,5\n", "reported.csv");
  expect_problem("audit.json", "\"status\": \"risk_limit_met\"", "\"status\": \"full_count\"",
                 "audit.json");
  dir_.map() = good;
  ASSERT_TRUE(dir_.Write("round-7/sample.csv", AsBytes("x")).has_value());
  EXPECT_FALSE(VerifyAuditDir(log_, dir_).value().ok());
}

TEST_F(AuditOpsTest, RefusesToReplanAndBadHandCounts) {
  ASSERT_TRUE(Plan().has_value());
  EXPECT_EQ(Plan().error().code, ErrorCode::kAlreadyExists);
  const auto before = dir_.map();
  auto bad = RecordHandCounts(dir_, "table,p1,p2\n1,2,3\n", "h.csv");
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
  auto partial = RecordHandCounts(dir_, "table,p1,p2,p3\n", "h.csv");
  EXPECT_EQ(partial.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(dir_.map(), before);
  verify::MemoryFiles other;
  EXPECT_EQ(PlanAudit(log_, {200, "senate", "0.05", "1"}, other).error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace acta::audit
