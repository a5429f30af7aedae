#include "tally/tally.h"

#include <gtest/gtest.h>

#include "tally/test_manifest.h"

namespace acta::tally {
namespace {

using testing::Body;
using testing::Leaf;
using testing::TestManifest;
using namespace testing;  // region index constants

Tally MakeTally(const Manifest& m) {
  auto t = Tally::Create(m);
  EXPECT_TRUE(t.has_value()) << t.error().ToString();
  return std::move(*t);
}

ApplyOutcome MustApply(Tally& t, const ActaBody& body, uint8_t leaf = 0) {
  auto r = t.Apply(body, t.log_size(), Leaf(leaf));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return r.value_or(ApplyOutcome::kDuplicate);
}

TEST(TallyTest, CreateRejectsMalformedTrees) {
  Manifest m = TestManifest();
  m.regions[kState2].parent = kCenter3;  // parent after child
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);

  m = TestManifest();
  m.regions[kCenter3].parent = kCenter2;  // voting center under a voting center
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);

  m = TestManifest();
  m.tables[0].region = kParish1;  // tables belong to voting centers
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);

  m = TestManifest();
  m.tables[0].region = 99;
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);

  m = TestManifest();
  std::swap(m.tables[0], m.tables[1]);
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);

  m = TestManifest();
  m.regions[0].parent = 3;
  EXPECT_EQ(Tally::Create(m).error().code, ErrorCode::kInvalidArgument);
}

TEST(TallyTest, EmptyTallyHasExpectedTablesAndRegistered) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  EXPECT_EQ(t.slots(), 5u + 4u);
  RegionTotals country = t.Totals(kCountry);
  EXPECT_EQ(country.tables_expected, 4u);
  EXPECT_EQ(country.registered, 750u);
  EXPECT_EQ(country.tables_counted, 0u);
  EXPECT_EQ(country.TurnoutBasisPoints(), 0u);
  EXPECT_EQ(country.contests[0].leader, -1);
  EXPECT_EQ(country.contests[0].remaining, 750u);
  EXPECT_FALSE(country.contests[0].irreversible);
  EXPECT_EQ(t.Totals(kParish1).tables_expected, 3u);
  EXPECT_EQ(t.Totals(kCenter1).registered, 300u);
  EXPECT_EQ(t.Totals(kCenter3).tables_expected, 1u);
  ASSERT_EQ(t.Children(kCountry).size(), 2u);
  EXPECT_EQ(t.Children(kCountry)[1], static_cast<uint32_t>(kState2));
  EXPECT_EQ(t.Children(kParish1).size(), 2u);
  EXPECT_TRUE(t.Children(kCenter1).empty());
}

TEST(TallyTest, TotalsAddUpThroughEveryLevel) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  EXPECT_EQ(MustApply(t, Body(101, 10, 20, 30, 40, 20)), ApplyOutcome::kCounted);
  EXPECT_EQ(MustApply(t, Body(103, 1, 2, 3, 2, 5)), ApplyOutcome::kCounted);
  EXPECT_EQ(MustApply(t, Body(104, 100, 50, 25, 90, 80)), ApplyOutcome::kCounted);
  EXPECT_EQ(t.log_size(), 3u);

  RegionTotals c1 = t.Totals(kCenter1);
  EXPECT_EQ(c1.tables_counted, 1u);
  EXPECT_EQ(c1.registered_counted, 100u);
  EXPECT_EQ(c1.ballots_cast, 62u);
  EXPECT_EQ(c1.contests[0].candidates, (std::vector<uint64_t>{10, 20, 30}));
  EXPECT_EQ(c1.contests[1].blank, 2u);

  RegionTotals p1 = t.Totals(kParish1);
  EXPECT_EQ(p1.tables_counted, 2u);
  EXPECT_EQ(p1.registered_counted, 250u);
  EXPECT_EQ(p1.ballots_cast, 62u + 8u);
  EXPECT_EQ(p1.contests[0].candidates, (std::vector<uint64_t>{11, 22, 33}));
  EXPECT_EQ(p1.contests[0].blank, 2u);
  EXPECT_EQ(p1.contests[0].null_votes, 2u);
  EXPECT_EQ(p1.contests[1].candidates, (std::vector<uint64_t>{42, 25}));
  EXPECT_EQ(p1.contests[1].blank, 2u + 1u);

  for (int32_t r : {kMuni1, kState1}) {
    RegionTotals x = t.Totals(r);
    EXPECT_EQ(x.contests[0].candidates, p1.contests[0].candidates) << r;
    EXPECT_EQ(x.ballots_cast, p1.ballots_cast) << r;
    EXPECT_EQ(x.tables_counted, 2u) << r;
  }

  RegionTotals country = t.Totals(kCountry);
  EXPECT_EQ(country.tables_counted, 3u);
  EXPECT_EQ(country.tables_expected, 4u);
  EXPECT_EQ(country.registered_counted, 550u);
  EXPECT_EQ(country.ballots_cast, 70u + 177u);
  EXPECT_EQ(country.contests[0].candidates, (std::vector<uint64_t>{111, 72, 58}));
  EXPECT_EQ(country.contests[0].blank, 3u);
  EXPECT_EQ(country.contests[1].candidates, (std::vector<uint64_t>{132, 105}));
  EXPECT_EQ(country.contests[1].blank, 2u + 1u + 7u);
  // 247 / 550 = 44.909...% -> 4491 basis points (half up).
  EXPECT_EQ(country.TurnoutBasisPoints(), 4491u);
  EXPECT_EQ(country.contests[0].leader, 0);
  EXPECT_EQ(country.contests[0].runner_up, 1);
  EXPECT_EQ(country.contests[0].margin, 39u);
  EXPECT_EQ(country.contests[0].remaining, 200u);            // table 102
  EXPECT_EQ(t.Totals(kCenter2).TurnoutBasisPoints(), 533u);  // 8/150 = 5.333%
}

TEST(TallyTest, ConflictRemovesCountsEverywhereAndFlags) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  MustApply(t, Body(101, 10, 20, 30, 40, 20), 1);
  MustApply(t, Body(104, 5, 5, 5, 5, 5), 2);
  ActaBody other = Body(101, 10, 20, 30, 40, 20);
  other.correction = 1;  // any difference is a conflict
  EXPECT_EQ(MustApply(t, other, 3), ApplyOutcome::kConflict);
  EXPECT_EQ(t.log_size(), 3u);

  for (int32_t r : {kCenter1, kParish1, kMuni1, kState1}) {
    RegionTotals x = t.Totals(r);
    EXPECT_EQ(x.tables_counted, 0u) << r;
    EXPECT_EQ(x.tables_conflicted, 1u) << r;
    EXPECT_EQ(x.registered_counted, 0u) << r;
    EXPECT_EQ(x.ballots_cast, 0u) << r;
    EXPECT_EQ(x.contests[0].candidates, (std::vector<uint64_t>{0, 0, 0})) << r;
    EXPECT_EQ(x.contests[1].blank, 0u) << r;
  }
  RegionTotals country = t.Totals(kCountry);
  EXPECT_EQ(country.tables_counted, 1u);
  EXPECT_EQ(country.tables_conflicted, 1u);
  EXPECT_EQ(country.contests[0].candidates, (std::vector<uint64_t>{5, 5, 5}));
  EXPECT_EQ(country.contests[0].remaining, 450u);  // conflicted 101 + missing 102, 103
  EXPECT_EQ(t.Totals(kState2).tables_conflicted, 0u);

  TableStatus s = t.StatusOf(101).value();
  EXPECT_EQ(s.state, TableState::kConflict);
  EXPECT_EQ(s.flags, kConflict);
  EXPECT_EQ(s.seq, 0u);
  EXPECT_EQ(s.leaf_hash, Leaf(1));  // the first acta stays as evidence
  EXPECT_EQ(*s.body, Body(101, 10, 20, 30, 40, 20));

  // More actas for a conflicted table change nothing.
  EXPECT_EQ(MustApply(t, Body(101, 1, 1, 1, 1, 1)), ApplyOutcome::kConflictAgain);
  EXPECT_EQ(MustApply(t, Body(101, 10, 20, 30, 40, 20)), ApplyOutcome::kDuplicate);
  EXPECT_EQ(t.Totals(kCountry).contests[0].candidates, (std::vector<uint64_t>{5, 5, 5}));
  EXPECT_EQ(t.Totals(kCountry).tables_conflicted, 1u);
  EXPECT_EQ(t.log_size(), 5u);
}

TEST(TallyTest, IdenticalActaIsNeverCountedTwice) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  const ActaBody body = Body(102, 7, 8, 9, 10, 11);
  ASSERT_EQ(t.Apply(body, 0, Leaf(9)).value(), ApplyOutcome::kCounted);
  // The same call again (a replay of entry 0): no change, log_size unchanged.
  EXPECT_EQ(t.Apply(body, 0, Leaf(9)).value(), ApplyOutcome::kDuplicate);
  EXPECT_EQ(t.log_size(), 1u);
  // The same acta logged twice: the entry is consumed, the counts are not.
  EXPECT_EQ(t.Apply(body, 1, Leaf(9)).value(), ApplyOutcome::kDuplicate);
  EXPECT_EQ(t.log_size(), 2u);
  RegionTotals country = t.Totals(kCountry);
  EXPECT_EQ(country.tables_counted, 1u);
  EXPECT_EQ(country.contests[0].candidates, (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_EQ(country.ballots_cast, 26u);
  EXPECT_EQ(t.StatusOf(102)->flags, 0);
}

TEST(TallyTest, OrderingAndValidationErrors) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  // A gap consumes nothing.
  EXPECT_EQ(t.Apply(Body(101, 1, 1, 1, 1, 1), 1, Leaf(0)).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t.log_size(), 0u);

  ActaBody wrong = Body(101, 1, 1, 1, 1, 1);
  wrong.election_id[0] = 0x12;
  EXPECT_EQ(t.Apply(wrong, 0, Leaf(0)).error().code, ErrorCode::kWrongElection);
  EXPECT_EQ(t.Apply(Body(999, 1, 1, 1, 1, 1), 1, Leaf(0)).error().code, ErrorCode::kUnknownTable);
  ActaBody shape = Body(101, 1, 1, 1, 1, 1);
  shape.contests[1].candidates.push_back(0);
  EXPECT_EQ(t.Apply(shape, 2, Leaf(0)).error().code, ErrorCode::kMalformed);
  shape.contests.pop_back();
  EXPECT_EQ(t.Apply(shape, 3, Leaf(0)).error().code, ErrorCode::kMalformed);
  // Invalid entries are consumed and counted, but change no total.
  EXPECT_EQ(t.log_size(), 4u);
  EXPECT_EQ(t.invalid_entries(), 4u);
  EXPECT_EQ(t.Totals(kCountry).tables_counted, 0u);

  // A replay of an earlier seq that does not match what the table holds.
  EXPECT_EQ(t.Apply(Body(101, 1, 1, 1, 1, 1), 2, Leaf(0)).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t.log_size(), 4u);
  // An invalid replay is reported but not counted again.
  EXPECT_EQ(t.Apply(wrong, 0, Leaf(0)).error().code, ErrorCode::kWrongElection);
  EXPECT_EQ(t.invalid_entries(), 4u);
}

TEST(TallyTest, EachFlagTriggersAndFlaggedTablesStillCount) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  ActaBody over = Body(101, 50, 49, 0, 0, 0);  // 101 ballots, 100 registered
  EXPECT_EQ(MustApply(t, over), ApplyOutcome::kCounted);
  EXPECT_EQ(t.StatusOf(101)->flags, kOvervote);

  ActaBody exact = Body(102, 100, 98, 0, 0, 0);  // 200 ballots == 200 registered
  MustApply(t, exact);
  EXPECT_EQ(t.StatusOf(102)->flags, 0);

  ActaBody sum = Body(103, 5, 5, 5, 5, 5);
  sum.contests[1].null_votes = 1;  // gov adds up to ballots + 1
  MustApply(t, sum);
  EXPECT_EQ(t.StatusOf(103)->flags, kSumMismatch);

  ActaBody late = Body(104, 1, 1, 1, 1, 1);
  late.closing_time = 2001;
  MustApply(t, late);
  EXPECT_EQ(t.StatusOf(104)->flags, kOutsideWindow);
  EXPECT_EQ(t.Totals(kCountry).tables_counted, 4u);

  for (uint64_t when : {999u, 1000u, 2000u}) {
    Tally w = MakeTally(m);
    ActaBody b = Body(101, 1, 1, 1, 1, 1);
    b.closing_time = when;
    MustApply(w, b);
    EXPECT_EQ(w.StatusOf(101)->flags, when == 999 ? kOutsideWindow : 0) << when;
  }

  EXPECT_EQ(
      TableFlagNames(kAllTableFlags),
      (std::vector<std::string_view>{"overvote", "sum_mismatch", "outside_window", "conflict"}));
  EXPECT_TRUE(TableFlagNames(0).empty());
}

// Tables 101, 102, 103 (450 registered) give candidate a `a_last` votes in
// table 103 and a margin of 230 + a_last over b; table 104 (300) is missing.
Tally IrreversibilityTally(const Manifest& m, uint32_t a_last) {
  Tally t = MakeTally(m);
  MustApply(t, Body(101, 80, 0, 0, 0, 0));
  MustApply(t, Body(102, 150, 0, 0, 0, 0));
  MustApply(t, Body(103, a_last, 0, 0, 0, 0));
  return t;
}

TEST(TallyTest, IrreversibilityNeedsMarginStrictlyAboveRemaining) {
  Manifest m = TestManifest();
  {
    Tally t = IrreversibilityTally(m, 70);  // margin 300 == remaining 300
    ContestTotals c = t.Totals(kCountry).contests[0];
    EXPECT_EQ(c.leader, 0);
    EXPECT_EQ(c.runner_up, 1);
    EXPECT_EQ(c.margin, 300u);
    EXPECT_EQ(c.remaining, 300u);
    EXPECT_FALSE(c.irreversible);
    // State 1 is fully counted: any positive margin is final there.
    ContestTotals s1 = t.Totals(kState1).contests[0];
    EXPECT_EQ(s1.remaining, 0u);
    EXPECT_TRUE(s1.irreversible);
    // State 2 has nothing counted: no leader.
    ContestTotals s2 = t.Totals(kState2).contests[0];
    EXPECT_EQ(s2.leader, -1);
    EXPECT_EQ(s2.runner_up, -1);
    EXPECT_EQ(s2.margin, 0u);
    EXPECT_FALSE(s2.irreversible);
    // Governor: every vote blank, fully counted state: a 0-0 tie is not final.
    ContestTotals g = t.Totals(kState1).contests[1];
    EXPECT_EQ(g.leader, -1);
    EXPECT_FALSE(g.irreversible);
  }
  {
    Tally t = IrreversibilityTally(m, 71);  // margin 301 > remaining 300
    ContestTotals c = t.Totals(kCountry).contests[0];
    EXPECT_EQ(c.margin, 301u);
    EXPECT_TRUE(c.irreversible);
    // A conflict puts the conflicted table's voters back into "remaining".
    ActaBody other = Body(103, 71, 0, 0, 0, 0);
    other.closing_time = 1501;
    EXPECT_EQ(MustApply(t, other), ApplyOutcome::kConflict);
    c = t.Totals(kCountry).contests[0];
    EXPECT_EQ(c.margin, 230u);
    EXPECT_EQ(c.remaining, 450u);
    EXPECT_FALSE(c.irreversible);
  }
  {
    // A tie for first place with nothing remaining is not irreversible.
    Tally t = MakeTally(m);
    MustApply(t, Body(104, 10, 10, 3, 0, 0));
    ContestTotals c = t.Totals(kCenter3).contests[0];
    EXPECT_EQ(c.leader, 0);  // ties go to the lower index
    EXPECT_EQ(c.runner_up, 1);
    EXPECT_EQ(c.margin, 0u);
    EXPECT_EQ(c.remaining, 0u);
    EXPECT_FALSE(c.irreversible);
  }
}

TEST(TallyTest, SingleCandidateContestHasNoRunnerUp) {
  Manifest m = TestManifest();
  m.contests[1].candidates.resize(1);
  Tally t = MakeTally(m);
  ActaBody b = Body(104, 1, 1, 1, 0, 0);
  b.contests[1] = {{200}, 5, 0};
  b.ballots_cast = 205;
  MustApply(t, b);
  ContestTotals c = t.Totals(kState2).contests[1];
  EXPECT_EQ(c.leader, 0);
  EXPECT_EQ(c.runner_up, -1);
  EXPECT_EQ(c.margin, 200u);
  EXPECT_TRUE(c.irreversible);
}

TEST(TallyTest, StatusExport) {
  Manifest m = TestManifest();
  Tally t = MakeTally(m);
  const ActaBody body = Body(103, 3, 2, 1, 4, 2);
  ASSERT_TRUE(t.Apply(body, 0, Leaf(0xab)).has_value());
  TableStatus s = t.StatusOf(103).value();
  EXPECT_EQ(s.state, TableState::kCounted);
  EXPECT_EQ(s.region, kCenter2);
  EXPECT_EQ(s.registered, 150u);
  EXPECT_EQ(s.leaf_hash, Leaf(0xab));
  ASSERT_TRUE(s.body.has_value());
  EXPECT_EQ(*s.body, body);
  EXPECT_EQ(t.CountsAt(2).size(), t.slots());
  EXPECT_EQ(t.CountsAt(2)[0], 3u);

  TableStatus missing = t.StatusOf(104).value();
  EXPECT_EQ(missing.state, TableState::kMissing);
  EXPECT_FALSE(missing.body.has_value());
  EXPECT_EQ(t.StatusOf(7).error().code, ErrorCode::kUnknownTable);
  EXPECT_EQ(TableStateName(TableState::kConflict), "conflict");

  // The Acta overload keeps the leaf hash of the entry's bytes.
  Acta acta;
  acta.body = Body(104, 1, 1, 1, 1, 1);
  acta.bytes = {0x01, 0x02, 0x03};
  EXPECT_EQ(t.Apply(acta, 1).value(), ApplyOutcome::kCounted);
  EXPECT_EQ(t.StatusOf(104)->leaf_hash, LeafHashOf(acta.bytes));
  EXPECT_EQ(t.StatusOf(104)->seq, 1u);
}

// 1,000,000 tables in 500,000 voting centers (plus parishes above them),
// 24 slots per table: the memory budget and totals at full scale.
TEST(TallyTest, MillionTablesStayWithinMemoryBudget) {
  Manifest m;
  m.polls_close_not_before = 0;
  m.polls_close_not_after = 10;
  for (const char* id : {"p", "g"}) {
    Contest c{id, id, {}};
    for (int k = 0; k < 10; ++k) c.candidates.push_back({std::to_string(k), "n", "p"});
    m.contests.push_back(std::move(c));
  }
  m.regions.push_back({"C", "C", RegionLevel::kCountry, -1});
  m.regions.push_back({"S", "S", RegionLevel::kState, 0});
  m.regions.push_back({"M", "M", RegionLevel::kMunicipality, 1});
  constexpr int kParishes = 1000, kCenters = 500000, kTables = 1000000;
  for (int p = 0; p < kParishes; ++p) {
    m.regions.push_back({"P" + std::to_string(p), "", RegionLevel::kParish, 2});
  }
  for (int c = 0; c < kCenters; ++c) {
    m.regions.push_back(
        {"V" + std::to_string(c), "", RegionLevel::kVotingCenter, 3 + c % kParishes});
  }
  m.tables.resize(kTables);
  for (uint32_t i = 0; i < kTables; ++i) {
    m.tables[i].id = i + 1;
    m.tables[i].region = 3 + kParishes + i / 2;
    m.tables[i].registered = 500;
  }
  Tally t = MakeTally(m);
  EXPECT_EQ(t.slots(), 24u);
  RecordProperty("tally_memory_bytes", std::to_string(t.MemoryBytes()));
  EXPECT_LT(t.MemoryBytes(), 200u * 1024 * 1024) << t.MemoryBytes();

  ActaBody body;
  body.ballots_cast = 12;
  body.closing_time = 5;
  body.contests = {{std::vector<uint32_t>(10, 1), 1, 1}, {std::vector<uint32_t>(10, 1), 2, 0}};
  for (uint32_t i = 0; i < kTables; ++i) {
    body.table_id = i + 1;
    ASSERT_EQ(t.Apply(body, i, Hash256{}).value(), ApplyOutcome::kCounted);
  }
  RegionTotals country = t.Totals(0);
  EXPECT_EQ(country.tables_counted, 1000000u);
  EXPECT_EQ(country.ballots_cast, 12000000u);
  EXPECT_EQ(country.contests[1].blank, 2000000u);
  EXPECT_EQ(t.Totals(3 + kParishes).ballots_cast, 24u);
  EXPECT_EQ(t.Totals(3).tables_counted, 1000u);
}

}  // namespace
}  // namespace acta::tally
