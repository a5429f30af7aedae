// `acta demo` at small sizes, with every outage scenario: a blackout of one
// state, a center restart mid-run and a lossy network. Whatever the timing,
// every acta must be delivered, every table counted exactly as the truth
// says, and the public verifier must pass.
#include <gtest/gtest.h>

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

TEST(DemoE2eTest, AnUnknownBlackoutStateIsRefused) {
  DemoOptions o = Small(50);
  o.blackout_state = "XX-99";
  auto s = RunDemo(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::sim
