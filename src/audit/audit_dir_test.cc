#include "audit/audit_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audit/test_reports.h"

namespace acta::audit {
namespace {

using testing::AsReported;
using testing::Counted;
using testing::Missing;
using testing::Params;
using testing::Report;

ContestReport Sample() {
  std::vector<ReportedTable> t;
  for (uint32_t i = 1; i <= 300; ++i) t.push_back(Counted(i, {55, 35, 10}, 100));
  t.push_back(Missing(301, 40, 3));
  t[0].region_name = "Escuela \"Bolívar\", sede 2";  // quoted in the CSV
  return Report({"A", "B", "C"}, std::move(t));
}

TEST(AuditDirTest, RendersLoadsAndRendersTheSameBytes) {
  const ContestReport r = Sample();
  auto plan = RunAudit(r, Params(), {});
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  std::vector<HandCounts> hand = {AsReported(r, plan->rounds[0])};
  hand[0].begin()->second[0] -= 2;  // an overstatement, so the JSON has one
  auto a = RunAudit(r, Params(), hand);
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  const auto files = RenderAuditDir(*a, r, hand);
  EXPECT_TRUE(files.contains("round-1/sample.csv"));
  EXPECT_TRUE(files.contains("round-1/teams.txt"));
  EXPECT_TRUE(files.contains("round-1/hand_counts.csv"));

  verify::MemoryFiles dir;
  ASSERT_TRUE(WriteAuditDir(dir, files).has_value());
  auto in = LoadAuditInputs(dir);
  ASSERT_TRUE(in.has_value()) << in.error().ToString();
  EXPECT_EQ(in->report, r);
  EXPECT_EQ(in->recorded, hand);
  EXPECT_EQ(in->params.seed, Params().seed);
  EXPECT_EQ(in->params.checkpoint_note, Params().checkpoint_note);
  auto again = RunAudit(in->report, in->params, in->recorded);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(RenderAuditDir(*again, in->report, in->recorded), files);
}

TEST(AuditDirTest, SampleCsvListsEveryDraw) {
  const ContestReport r = Sample();
  auto a = RunAudit(r, Params(), {});
  ASSERT_TRUE(a.has_value());
  const std::string csv = RenderAuditDir(*a, r, {}).at("round-1/sample.csv");
  EXPECT_TRUE(csv.starts_with("draw,hash,value,table,region\n1,"));
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')),
            a->rounds[0].draws.size() + 1);
  const std::string teams = RenderAuditDir(*a, r, {}).at("round-1/teams.txt");
  for (uint32_t id : a->rounds[0].to_count)
    EXPECT_NE(teams.find("[ ] table " + std::to_string(id) + " "), std::string::npos) << id;
}

TEST(AuditDirTest, HandCountErrorsNameTheLine) {
  const ContestReport r = Sample();
  EXPECT_EQ(ParseHandCountsCsv("table,A,B,C\n7,50,40,10\n", "h.csv", r).value().at(7),
            (std::vector<uint64_t>{50, 40, 10}));
  auto header = ParseHandCountsCsv("table,A,C,B\n7,50,40,10\n", "h.csv", r);
  EXPECT_EQ(header.error().code, ErrorCode::kMalformed);
  EXPECT_NE(header.error().message.find("h.csv:1:"), std::string::npos);
  auto number = ParseHandCountsCsv("table,A,B,C\n7,50,4x,10\n", "h.csv", r);
  EXPECT_NE(number.error().message.find("h.csv:2:"), std::string::npos);
  auto twice = ParseHandCountsCsv("table,A,B,C\n7,5,4,1\n7,5,4,1\n", "h.csv", r);
  EXPECT_NE(twice.error().message.find("h.csv:3: table 7 appears twice"), std::string::npos);
  auto fields = ParseHandCountsCsv("table,A,B,C\n7,5,4\n", "h.csv", r);
  EXPECT_EQ(fields.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseHandCountsCsv("table,A,B,C\n7,-5,4,1\n", "h.csv", r).error().code,
            ErrorCode::kMalformed);
}

TEST(AuditDirTest, ReportedCsvErrors) {
  const std::string good =
      "table,region,region_name,state,registered,ballots,error_bound,A,B\n"
      "1,R,N,counted,110,100,5,60,40\n";
  EXPECT_TRUE(ParseReportedCsv(good, "president").has_value());
  std::string bad_state = good;
  bad_state.replace(bad_state.find("counted"), 7, "maybe");
  EXPECT_NE(ParseReportedCsv(bad_state, "president").error().message.find("reported.csv:2:"),
            std::string::npos);
  EXPECT_EQ(ParseReportedCsv(good + "1,R,N,counted,110,100,5,60,40\n", "president").error().code,
            ErrorCode::kMalformed);  // ids must increase
}

TEST(AuditDirTest, AuditJsonIsRequired) {
  verify::MemoryFiles dir;
  EXPECT_EQ(LoadAuditInputs(dir).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(dir.Write("audit.json", AsBytes("{\"format\":\"other\"}")).has_value());
  EXPECT_EQ(LoadAuditInputs(dir).error().code, ErrorCode::kMalformed);
}

}  // namespace
}  // namespace acta::audit
