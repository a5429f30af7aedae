#include "tally/bulletin.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tally/test_manifest.h"

namespace acta::tally {
namespace {

using testing::Body;
using testing::Leaf;
using testing::TestManifest;
using namespace testing;  // region index constants

// Tables 101 (counted, overvote), 102 (conflicted), 104 (counted); 103 missing.
Tally SampleTally(const Manifest& m) {
  Tally t = std::move(Tally::Create(m).value());
  EXPECT_TRUE(t.Apply(Body(101, 60, 30, 9, 50, 40), 0, Leaf(1)).has_value());
  EXPECT_TRUE(t.Apply(Body(104, 100, 50, 25, 90, 80), 1, Leaf(2)).has_value());
  EXPECT_TRUE(t.Apply(Body(102, 1, 2, 3, 4, 2), 2, Leaf(3)).has_value());
  EXPECT_TRUE(t.Apply(Body(102, 1, 2, 3, 4, 1), 3, Leaf(4)).has_value());
  return t;
}

CheckpointRef Checkpoint(uint64_t size) {
  CheckpointRef c;
  c.size = size;
  c.root.fill(0xcd);
  return c;
}

constexpr std::string_view kGoldenStateLevel =
    R"json({"format":"acta-bulletin-v1","election_id":"1111111111111111111111111111111111111111111111111111111111111111","checkpoint":{"size":4,"root":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"},"generated_at":1700000000,"contests":[{"id":"pres","name":"President","candidates":[{"id":"a","name":"Ana","party":"P1"},{"id":"b","name":"Bruno","party":"P2"},{"id":"c","name":"Carla","party":"P3"}]},)json"
    R"json({"id":"gov","name":"Governor","candidates":[{"id":"x","name":"Xavier","party":"P1"},{"id":"y","name":"Yolanda","party":"P2"}]}],"regions":[)json"
    R"json({"code":"VE","name":"Venezuela","level":"country","parent":null,"tables_expected":4,"tables_counted":2,"tables_conflicted":1,"registered":750,"registered_counted":400,"ballots_cast":278,"turnout":"69.50","contests":[{"id":"pres","votes":[160,80,34],"blank":2,"null":2,"leader":"a","runner_up":"b","margin":80,"remaining":350,"irreversible":false},)json"
    R"json({"id":"gov","votes":[140,120],"blank":18,"null":0,"leader":"x","runner_up":"y","margin":20,"remaining":350,"irreversible":false}]},)json"
    R"json({"code":"VE-01","name":"State One","level":"state","parent":"VE","tables_expected":3,"tables_counted":1,"tables_conflicted":1,"registered":450,"registered_counted":100,"ballots_cast":101,"turnout":"101.00","contests":[{"id":"pres","votes":[60,30,9],"blank":1,"null":1,"leader":"a","runner_up":"b","margin":30,"remaining":350,"irreversible":false},)json"
    R"json({"id":"gov","votes":[50,40],"blank":11,"null":0,"leader":"x","runner_up":"y","margin":10,"remaining":350,"irreversible":false}]},)json"
    R"json({"code":"VE-02","name":"State Two","level":"state","parent":"VE","tables_expected":1,"tables_counted":1,"tables_conflicted":0,"registered":300,"registered_counted":300,"ballots_cast":177,"turnout":"59.00","contests":[{"id":"pres","votes":[100,50,25],"blank":1,"null":1,"leader":"a","runner_up":"b","margin":50,"remaining":0,"irreversible":true},)json"
    R"json({"id":"gov","votes":[90,80],"blank":7,"null":0,"leader":"x","runner_up":"y","margin":10,"remaining":0,"irreversible":true}]}],"invalid_entries":0,"flags_total":2)json"
    R"json(,"flags":[{"table":101)json"
    R"json(,"flags":["overvote"]},{"table":102)json"
    R"json(,"flags":["conflict"]}]})json"
    "\n";

TEST(BulletinTest, GoldenBytesDownToStates) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  BulletinOptions options;
  options.max_level = RegionLevel::kState;
  auto b = BuildBulletin(t, Checkpoint(4), 1700000000, options);
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_EQ(*b, kGoldenStateLevel);
  // Same data, same bytes.
  Tally again = SampleTally(m);
  EXPECT_EQ(BuildBulletin(again, Checkpoint(4), 1700000000, options).value(), *b);
}

TEST(BulletinTest, DefaultLevelsStopAtParish) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  auto b = BuildBulletin(t, Checkpoint(4), 1);
  ASSERT_TRUE(b.has_value());
  auto j = nlohmann::json::parse(*b);
  std::vector<std::string> codes;
  for (const auto& r : j["regions"]) codes.push_back(r["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"VE", "VE-01", "VE-01-01", "VE-01-01-01", "VE-02",
                                             "VE-02-01", "VE-02-01-01"}));
  BulletinOptions all;
  all.max_level = RegionLevel::kVotingCenter;
  EXPECT_EQ(
      nlohmann::json::parse(BuildBulletin(t, Checkpoint(4), 1, all).value())["regions"].size(),
      m.regions.size());
}

TEST(BulletinTest, FlagListIsCappedButTotalIsNot) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  BulletinOptions options;
  options.max_flagged_tables = 1;
  auto j = nlohmann::json::parse(BuildBulletin(t, Checkpoint(4), 1, options).value());
  EXPECT_EQ(j["flags_total"], 2);
  ASSERT_EQ(j["flags"].size(), 1u);
  EXPECT_EQ(j["flags"][0]["table"], 101);
}

TEST(BulletinTest, CheckpointMustMatchTheTally) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  EXPECT_EQ(BuildBulletin(t, Checkpoint(3), 1).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(BuildBulletin(t, Checkpoint(5), 1).error().code, ErrorCode::kFailedPrecondition);
}

TEST(BulletinTest, TurnoutFormatting) {
  EXPECT_EQ(FormatTurnout(0), "0.00");
  EXPECT_EQ(FormatTurnout(7), "0.07");
  EXPECT_EQ(FormatTurnout(6523), "65.23");
  EXPECT_EQ(FormatTurnout(10000), "100.00");
  EXPECT_EQ(FormatTurnout(12345), "123.45");
}

TEST(BulletinTest, RegionJsonGolden) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  auto r = RegionJson(t, "VE-01-01-01");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(
      *r,
      R"json({"code":"VE-01-01-01","name":"Parish One","level":"parish","parent":"VE-01-01","tables_expected":3,"tables_counted":1,"tables_conflicted":1,"registered":450,"registered_counted":100,"ballots_cast":101,"turnout":"101.00","contests":[{"id":"pres","votes":[60,30,9],"blank":1,"null":1,"leader":"a","runner_up":"b","margin":30,"remaining":350,"irreversible":false},)json"
      R"json({"id":"gov","votes":[50,40],"blank":11,"null":0,"leader":"x","runner_up":"y","margin":10,"remaining":350,"irreversible":false}],"children":[)json"
      R"json({"code":"VE-01-01-01-0001","name":"School A","level":"voting_center","parent":"VE-01-01-01","tables_expected":2,"tables_counted":1,"tables_conflicted":1,"registered":300,"registered_counted":100,"ballots_cast":101,"turnout":"101.00","contests":[{"id":"pres","votes":[60,30,9],"blank":1,"null":1,"leader":"a","runner_up":"b","margin":30,"remaining":200,"irreversible":false},)json"
      R"json({"id":"gov","votes":[50,40],"blank":11,"null":0,"leader":"x","runner_up":"y","margin":10,"remaining":200,"irreversible":false}]},)json"
      R"json({"code":"VE-01-01-01-0002","name":"School B","level":"voting_center","parent":"VE-01-01-01","tables_expected":1,"tables_counted":0,"tables_conflicted":0,"registered":150,"registered_counted":0,"ballots_cast":0,"turnout":"0.00","contests":[{"id":"pres","votes":[0,0,0],"blank":0,"null":0,"leader":null,"runner_up":null,"margin":0,"remaining":150,"irreversible":false},)json"
      R"json({"id":"gov","votes":[0,0],"blank":0,"null":0,"leader":null,"runner_up":null,"margin":0,"remaining":150,"irreversible":false}]}],"log_size":4})json"
      "\n");
  EXPECT_EQ(RegionJson(t, "XX").error().code, ErrorCode::kNotFound);
}

TEST(BulletinTest, TableJsonGolden) {
  Manifest m = TestManifest();
  Tally t = SampleTally(m);
  EXPECT_EQ(
      TableJson(t, 101).value(),
      R"json({"table":101,"region":"VE-01-01-01-0001","registered":100,"status":"counted","flags":["overvote"],"seq":0,"leaf_hash":"0101010101010101010101010101010101010101010101010101010101010101")json"
      R"json(,"acta":{"closing_time":1500,"correction":0,"ballots_cast":101,"contests":[{"id":"pres","votes":[60,30,9],"blank":1,"null":1},{"id":"gov","votes":[50,40],"blank":11,"null":0}]}})json"
      "\n");
  EXPECT_EQ(
      TableJson(t, 103).value(),
      R"json({"table":103,"region":"VE-01-01-01-0002","registered":150,"status":"missing")json"
      R"json(,"flags":[]})json"
      "\n");
  EXPECT_EQ(TableJson(t, 5).error().code, ErrorCode::kUnknownTable);
}

TEST(BulletinTest, InvalidUtf8InNamesDoesNotThrow) {
  Manifest m = TestManifest();
  m.regions[0].name = "bad \xff name";
  Tally t = std::move(Tally::Create(m).value());
  auto b = BuildBulletin(t, Checkpoint(0), 1);
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_NE(b->find("bad \xEF\xBF\xBD name"), std::string::npos);
}

}  // namespace
}  // namespace acta::tally
