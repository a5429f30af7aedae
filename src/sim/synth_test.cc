#include "sim/synth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "core/testing/manifest_fixtures.h"

namespace acta::sim {
namespace {

SynthOptions Small(uint32_t tables) {
  SynthOptions o;
  o.tables = tables;
  o.seed = 42;
  return o;
}

TEST(SynthTest, SameSeedSameElection) {
  auto a = SynthesizeElection(Small(500));
  auto b = SynthesizeElection(Small(500));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->election.manifest.election_id, b->election.manifest.election_id);
  EXPECT_EQ(a->election.truth, b->election.truth);
  SynthOptions other = Small(500);
  other.seed = 43;
  EXPECT_NE(SynthesizeElection(other)->election.manifest.election_id,
            a->election.manifest.election_id);
  // The thread count changes nothing.
  SynthOptions one = Small(500);
  one.threads = 1;
  EXPECT_EQ(SynthesizeElection(one)->election.manifest.election_id,
            a->election.manifest.election_id);
}

TEST(SynthTest, DefaultShapeAndTotalsAddUp) {
  SynthOptions o;  // 30,000 tables
  auto r = SynthesizeElection(o);
  ASSERT_TRUE(r) << r.error().ToString();
  const Manifest& m = r->election.manifest;
  size_t per_level[5] = {};
  for (const Region& reg : m.regions) ++per_level[static_cast<int>(reg.level)];
  EXPECT_EQ(per_level[0], 1u);
  EXPECT_EQ(per_level[1], 24u);
  EXPECT_EQ(per_level[2], 335u);
  EXPECT_EQ(per_level[3], 1100u);
  EXPECT_EQ(per_level[4], 15800u);
  ASSERT_EQ(m.tables.size(), 30000u);
  uint64_t registered = 0, ballots = 0;
  const auto& truth = r->election.truth;
  const size_t per_table = truth.size() / m.tables.size();
  ASSERT_EQ(per_table, 1u + 8 + 7);
  for (size_t i = 0; i < m.tables.size(); ++i) {
    const TableRecord& t = m.tables[i];
    ASSERT_GE(t.registered, 50u);
    ASSERT_LE(t.registered, 1200u);
    registered += t.registered;
    const uint32_t* row = truth.data() + i * per_table;
    ballots += row[0];
    ASSERT_LE(row[0], t.registered) << i;
    EXPECT_EQ(std::accumulate(row + 1, row + 9, uint64_t{0}), row[0]) << i;
    EXPECT_EQ(std::accumulate(row + 9, row + 16, uint64_t{0}), row[0]) << i;
  }
  EXPECT_GT(registered, 20'000'000u);
  EXPECT_LT(registered, 22'500'000u);
  double turnout = static_cast<double>(ballots) / registered;
  EXPECT_GT(turnout, 0.60);
  EXPECT_LT(turnout, 0.75);
  // The manifest is valid as the parser sees it.
  auto parsed = ParseManifest(m.ToJson(), m.EncodeTables());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->election_id, m.election_id);
}

TEST(SynthTest, Anomalies) {
  SynthOptions o = Small(300);
  o.anomalies = 4;
  auto r = SynthesizeElection(o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->anomalies.size(), 4u);
  const Manifest& m = r->election.manifest;
  const size_t per_table = r->election.truth.size() / m.tables.size();
  size_t over = 0, unbalanced = 0;
  for (size_t i = 0; i < m.tables.size(); ++i) {
    const uint32_t* row = r->election.truth.data() + i * per_table;
    over += row[0] > m.tables[i].registered;
    unbalanced += std::accumulate(row + 1, row + 9, uint64_t{0}) != row[0];
  }
  EXPECT_EQ(over, 2u);
  EXPECT_EQ(unbalanced, 2u);
  EXPECT_EQ(r->anomalies[0].kind, AnomalyKind::kOverRegistered);
}

TEST(SynthTest, WritesLoadableDirectory) {
  SynthOptions o = Small(40);
  o.centers = 2;
  auto r = SynthesizeElection(o);
  ASSERT_TRUE(r);
  std::string dir = testing::TestDir() + "/e";
  ASSERT_TRUE(WriteElectionDir(dir, *r));
  auto m = LoadManifest(dir);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->election_id, r->election.manifest.election_id);
  EXPECT_TRUE(std::filesystem::exists(dir + "/secrets/center-2.key"));
  auto truth = Truth::Load(dir + "/secrets/truth.bin", *m);
  ASSERT_TRUE(truth);
  EXPECT_EQ(truth->flat(), r->election.truth);
  auto keys = TableKeys::Load(dir + "/secrets/table-keys.bin", m->tables.size());
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->key(39).public_key(), m->tables[39].key);
}

TEST(SynthTest, RejectsBadOptions) {
  SynthOptions o = Small(0);
  EXPECT_EQ(SynthesizeElection(o).error().code, ErrorCode::kInvalidArgument);
  o = Small(10);
  o.centers = 0;
  EXPECT_EQ(SynthesizeElection(o).error().code, ErrorCode::kInvalidArgument);
  o = Small(10);
  o.anomalies = 11;
  EXPECT_EQ(SynthesizeElection(o).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::sim
