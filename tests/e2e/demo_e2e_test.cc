// `acta demo` at small sizes, with every outage scenario: a blackout of one
// state, a center restart mid-run and a lossy network. Whatever the timing,
// every acta must be delivered, every table counted exactly as the truth
// says, and the public verifier must pass.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/testing/manifest_fixtures.h"
#include "sim/demo.h"

namespace acta::sim {
namespace {

DemoOptions Small(uint32_t tables) {
  DemoOptions o;
  o.tables = tables;
  o.seed = 7;
  o.workdir = acta::testing::TestDir();
  o.window = std::chrono::milliseconds(3'000);
  o.workers = 48;
  o.bulletin_every = std::chrono::seconds(2);
  o.give_up_after = std::chrono::seconds(120);
  return o;
}

void ExpectComplete(const DemoSummary& s, uint32_t tables) {
  EXPECT_EQ(s.delivered, tables);
  EXPECT_EQ(s.counted, tables);
  EXPECT_EQ(s.truth_mismatches, 0u);
  EXPECT_TRUE(s.verify_ran);
  EXPECT_TRUE(s.verified);
  EXPECT_TRUE(s.ok());
  EXPECT_GT(s.p100_seconds, 0);
}

TEST(DemoE2eTest, BlackoutAndCenterRestartLoseNothing) {
  DemoOptions o = Small(400);
  o.blackout_state = "auto";
  o.center_restart = true;
  auto s = RunDemo(o);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  ExpectComplete(*s, 400);
  // The restart and the blackout cost retries.
  EXPECT_GT(s->retries, 0u);
}

TEST(DemoE2eTest, LossyNetworkLosesNothing) {
  DemoOptions o = Small(300);
  o.seed = 11;
  o.lossy = true;
  o.blackout_state = "none";
  auto s = RunDemo(o);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  ExpectComplete(*s, 300);
  EXPECT_GT(s->retries, 0u) << "5 % cut connections over 300 terminals";
}

TEST(DemoE2eTest, WithoutEmulationAndWithARestart) {
  DemoOptions o = Small(500);
  o.emulation = false;
  o.center_restart = true;
  auto s = RunDemo(o);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  ExpectComplete(*s, 500);
}

// `acta demo --audit`: clean paper stops in round 1; paper that disagrees
// with every acta escalates round after round into a full hand count. Both
// audit directories verify against the log and are served by the center.
TEST(DemoE2eTest, AuditStopsOnCleanPaperAndEscalatesOnBadPaper) {
  DemoOptions o = Small(2000);
  o.emulation = false;
  o.audit = true;
  auto clean = RunDemo(o);
  ASSERT_TRUE(clean.has_value()) << clean.error().ToString();
  ExpectComplete(*clean, 2000);
  EXPECT_TRUE(clean->audit_ran);
  EXPECT_EQ(clean->audit_status, "risk_limit_met");
  EXPECT_EQ(clean->audit_rounds, 1u);
  EXPECT_TRUE(clean->audit_verified);
  EXPECT_TRUE(clean->audit_published);
  EXPECT_TRUE(std::filesystem::exists(o.workdir + "/audits/president/round-1/teams.txt"));

  o.workdir = acta::testing::TestDir("-bad");
  o.paper_errors = 2000;
  auto bad = RunDemo(o);
  ASSERT_TRUE(bad.has_value()) << bad.error().ToString();
  EXPECT_EQ(bad->audit_status, "full_count");
  EXPECT_GE(bad->audit_rounds, 2u);
  EXPECT_TRUE(bad->audit_verified);
  EXPECT_TRUE(bad->audit_published);
  EXPECT_TRUE(bad->ok());
}

TEST(DemoE2eTest, AnUnknownBlackoutStateIsRefused) {
  DemoOptions o = Small(50);
  o.blackout_state = "XX-99";
  auto s = RunDemo(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::sim
