#include "tally/arrivals.h"

#include <gtest/gtest.h>

#include "tally/test_manifest.h"

namespace acta::tally {
namespace {

using namespace testing;  // TestManifest and its region index constants

// A whole minute (1800000000000 / 60000 = 30000000).
constexpr uint64_t kT0 = 1800000000000;
constexpr uint64_t kMin = 60000;

ArrivalIndex MakeIndex(const Manifest& m) {
  auto index = ArrivalIndex::Create(m);
  EXPECT_TRUE(index.has_value()) << index.error().ToString();
  return std::move(*index);
}

// The log of the tests: tables 101 (state 1) and 104 (state 2) in minute 0,
// a second entry for 101 in minute 3 (not a new arrival), 103 and 102
// (state 1) in minute 2, and an unknown table.
ArrivalIndex SampleIndex(const Manifest& m) {
  ArrivalIndex index = MakeIndex(m);
  EXPECT_TRUE(index.Add(0, 101, kT0 + 5000).has_value());
  EXPECT_TRUE(index.Add(1, 104, kT0 + kMin - 1).has_value());
  EXPECT_TRUE(index.Add(2, 101, kT0 + 3 * kMin).has_value());
  EXPECT_TRUE(index.Add(3, 103, kT0 + 2 * kMin + 1).has_value());
  EXPECT_TRUE(index.Add(4, 999, kT0 + 2 * kMin).has_value());
  EXPECT_TRUE(index.Add(5, 102, kT0 + 2 * kMin + 30000).has_value());
  return index;
}

TEST(ArrivalsTest, CountsFirstEntryOfEachTablePerMinuteByChild) {
  Manifest m = TestManifest();
  ArrivalIndex index = SampleIndex(m);
  EXPECT_EQ(index.size(), 6u);
  EXPECT_EQ(index.arrived(), 4u);

  ArrivalReport r = index.Query(kCountry, 8);
  EXPECT_EQ(r.bucket_ms, kMin);
  EXPECT_EQ(r.starts_ms, (std::vector<uint64_t>{kT0, kT0 + 2 * kMin}));  // minute 1 is empty
  ASSERT_EQ(r.children.size(), 2u);
  EXPECT_EQ(r.children[0].region, kState1);
  EXPECT_EQ(r.children[0].counts, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(r.children[0].total, 3u);
  EXPECT_EQ(r.children[1].region, kState2);
  EXPECT_EQ(r.children[1].counts, (std::vector<uint64_t>{1, 0}));
  EXPECT_EQ(r.children[1].total, 1u);
  EXPECT_EQ(r.totals, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(r.total, 4u);
  EXPECT_EQ(r.tables_expected, 4u);
  EXPECT_EQ(r.other_regions, 0u);
  EXPECT_TRUE(r.other.empty());
}

TEST(ArrivalsTest, TopChildrenAndOtherSum) {
  Manifest m = TestManifest();
  ArrivalIndex index = SampleIndex(m);
  ArrivalReport r = index.Query(kCountry, 1);
  ASSERT_EQ(r.children.size(), 1u);
  EXPECT_EQ(r.children[0].region, kState1);  // most arrivals first
  EXPECT_EQ(r.other_regions, 1u);
  EXPECT_EQ(r.other, (std::vector<uint64_t>{1, 0}));
  EXPECT_EQ(r.totals, (std::vector<uint64_t>{2, 2}));
}

TEST(ArrivalsTest, DrillDownToAVotingCenterGivesItsTablesOnly) {
  Manifest m = TestManifest();
  ArrivalIndex index = SampleIndex(m);
  ArrivalReport parish = index.Query(kParish1, 8);
  ASSERT_EQ(parish.children.size(), 2u);
  EXPECT_EQ(parish.children[0].region, kCenter1);  // 101 and 102
  EXPECT_EQ(parish.children[0].counts, (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(parish.children[1].region, kCenter2);  // 103
  EXPECT_EQ(parish.children[1].counts, (std::vector<uint64_t>{0, 1}));

  ArrivalReport center = index.Query(kCenter1, 8);
  EXPECT_TRUE(center.children.empty());
  EXPECT_EQ(center.other_regions, 0u);
  EXPECT_EQ(center.starts_ms, (std::vector<uint64_t>{kT0, kT0 + 2 * kMin}));
  EXPECT_EQ(center.totals, (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(center.total, 2u);
  EXPECT_EQ(center.tables_expected, 2u);

  ArrivalReport state2 = index.Query(kState2, 8);
  EXPECT_EQ(state2.starts_ms, (std::vector<uint64_t>{kT0}));
  EXPECT_EQ(state2.totals, (std::vector<uint64_t>{1}));
}

TEST(ArrivalsTest, LongSpansWidenTheBuckets) {
  Manifest m = TestManifest();
  ArrivalIndex index = MakeIndex(m);
  ASSERT_TRUE(index.Add(0, 101, kT0).has_value());
  ASSERT_TRUE(index.Add(1, 104, kT0 + 1000 * kMin + 59999).has_value());
  ASSERT_TRUE(index.Add(2, 102, kT0 + 1 * kMin).has_value());
  // 1001 one-minute buckets would exceed kMaxBuckets (720); two-minute
  // buckets aligned to even minutes give 501.
  ArrivalReport r = index.Query(kCountry, 8);
  EXPECT_EQ(r.bucket_ms, 2 * kMin);
  EXPECT_EQ(r.starts_ms, (std::vector<uint64_t>{kT0, kT0 + 1000 * kMin}));
  EXPECT_EQ(r.totals, (std::vector<uint64_t>{2, 1}));

  // Ten days (14,400 minutes): 15-minute buckets would be 961, 30-minute
  // ones are 481, the first width under the cap.
  ArrivalIndex wide = MakeIndex(m);
  ASSERT_TRUE(wide.Add(0, 101, kT0).has_value());
  ASSERT_TRUE(wide.Add(1, 104, kT0 + 10 * 1440 * kMin).has_value());
  ArrivalReport w = wide.Query(kCountry, 8);
  EXPECT_EQ(w.bucket_ms, 30 * kMin);
  EXPECT_EQ(w.starts_ms.size(), 2u);
}

TEST(ArrivalsTest, OutOfOrderEntriesAreRefused) {
  Manifest m = TestManifest();
  ArrivalIndex index = MakeIndex(m);
  EXPECT_EQ(index.Add(1, 101, kT0).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(index.size(), 0u);
  ASSERT_TRUE(index.Add(0, 101, kT0).has_value());
  EXPECT_EQ(index.Add(0, 101, kT0).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(index.size(), 1u);
}

TEST(ArrivalsTest, EmptyIndexListsChildrenWithNoBuckets) {
  Manifest m = TestManifest();
  ArrivalIndex index = MakeIndex(m);
  ArrivalReport r = index.Query(kCountry, 8);
  EXPECT_EQ(r.total, 0u);
  EXPECT_TRUE(r.starts_ms.empty());
  ASSERT_EQ(r.children.size(), 2u);
  EXPECT_TRUE(r.children[0].counts.empty());
  EXPECT_EQ(r.tables_expected, 4u);
}

TEST(ArrivalsTest, CreateRejectsBrokenTrees) {
  Manifest m = TestManifest();
  m.regions[kState2].parent = kCenter3;
  EXPECT_EQ(ArrivalIndex::Create(m).error().code, ErrorCode::kInvalidArgument);
  m = TestManifest();
  m.tables[0].region = 99;
  EXPECT_EQ(ArrivalIndex::Create(m).error().code, ErrorCode::kInvalidArgument);
}

TEST(ArrivalsTest, JsonIsCompactAndExact) {
  Manifest m = TestManifest();
  ArrivalIndex index = SampleIndex(m);
  EXPECT_EQ(ArrivalsJson(m, index.Query(kCountry, 1), 6, "ab"),
            "{\"format\":\"acta-arrivals-v1\",\"region\":\"VE\",\"name\":\"Venezuela\","
            "\"level\":\"country\",\"checkpoint\":{\"size\":6,\"root\":\"ab\"},"
            "\"bucket_ms\":60000,\"starts_ms\":[1800000000000,1800000120000],"
            "\"children\":[{\"code\":\"VE-01\",\"name\":\"State One\",\"total\":3,"
            "\"counts\":[1,2]}],\"other\":{\"regions\":1,\"total\":1,\"counts\":[1,0]},"
            "\"totals\":[2,2],\"total\":4,\"tables_expected\":4}\n");
  EXPECT_EQ(ArrivalsJson(m, index.Query(kCenter3, 8), 6, "ab"),
            "{\"format\":\"acta-arrivals-v1\",\"region\":\"VE-02-01-01-0001\","
            "\"name\":\"School C\",\"level\":\"voting_center\","
            "\"checkpoint\":{\"size\":6,\"root\":\"ab\"},\"bucket_ms\":60000,"
            "\"starts_ms\":[1800000000000],\"children\":[],\"other\":null,"
            "\"totals\":[1],\"total\":1,\"tables_expected\":1}\n");
}

}  // namespace
}  // namespace acta::tally
