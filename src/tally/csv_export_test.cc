#include "tally/csv_export.h"

#include <gtest/gtest.h>

#include "tally/test_manifest.h"

namespace acta::tally {
namespace {

using testing::Body;
using testing::Leaf;
using testing::TestManifest;

constexpr std::string_view kGolden =
    "table_id,state,municipality,parish,center,registered,status,seq,closing_time,correction,"
    "ballots_cast,pres:a,pres:b,pres:c,pres:blank,pres:null,gov:x,gov:y,gov:blank,gov:null,flags,"
    "leaf_hash\n"
    "101,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0001,100,counted,0,1500,0,101,60,30,9,1,1,50,40,11,"
    "0,overvote,a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\n"
    "102,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0001,200,conflict,2,1500,0,8,1,2,3,1,1,4,2,2,0,"
    "conflict,c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3\n"
    "103,VE-01,VE-01-01,VE-01-01-01,VE-01-01-01-0002,150,missing,,,,,,,,,,,,,,,\n"
    "104,VE-02,VE-02-01,VE-02-01-01,VE-02-01-01-0001,300,counted,1,2500,0,177,100,50,25,1,1,90,80,"
    "7,0,outside_window,b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\n";

TEST(CsvExportTest, GoldenBytes) {
  Manifest m = TestManifest();
  Tally t = std::move(Tally::Create(m).value());
  ActaBody late = Body(104, 100, 50, 25, 90, 80);
  late.closing_time = 2500;
  ASSERT_TRUE(t.Apply(Body(101, 60, 30, 9, 50, 40), 0, Leaf(0xa1)).has_value());
  ASSERT_TRUE(t.Apply(late, 1, Leaf(0xb2)).has_value());
  ASSERT_TRUE(t.Apply(Body(102, 1, 2, 3, 4, 2), 2, Leaf(0xc3)).has_value());
  ASSERT_TRUE(t.Apply(Body(102, 1, 2, 3, 4, 1), 3, Leaf(0xd4)).has_value());
  const std::string csv = TableCsv(t);
  EXPECT_EQ(csv, kGolden);
}

TEST(CsvExportTest, HeaderQuotesIdsThatNeedIt) {
  Manifest m = TestManifest();
  m.contests[0].id = "pre,s";
  m.contests[1].candidates[0].id = "x\"1";
  EXPECT_EQ(TableCsvHeader(m),
            "table_id,state,municipality,parish,center,registered,status,seq,closing_time,"
            "correction,ballots_cast,\"pre,s:a\",\"pre,s:b\",\"pre,s:c\",\"pre,s:blank\","
            "\"pre,s:null\",\"gov:x\"\"1\",gov:y,gov:blank,gov:null,flags,leaf_hash\n");
}

TEST(CsvExportTest, ChunkedOutputEqualsWholeOutput) {
  Manifest m = TestManifest();
  // Enough tables that the writer flushes several chunks.
  m.tables.clear();
  for (uint32_t i = 0; i < 5000; ++i) m.tables.push_back({i + 1, 4, 100, 0, {}});
  Tally t = std::move(Tally::Create(m).value());
  for (uint32_t i = 0; i < 5000; i += 2) {
    ASSERT_TRUE(t.Apply(Body(i + 1, 1, 2, 3, 4, 5), t.log_size(), Leaf(i % 256)).has_value());
  }
  size_t chunks = 0;
  std::string joined;
  WriteTableCsv(t, [&](std::string_view chunk) {
    ++chunks;
    joined += chunk;
  });
  EXPECT_GT(chunks, 2u);
  EXPECT_EQ(joined, TableCsv(t));
  EXPECT_EQ(std::count(joined.begin(), joined.end(), '\n'), 5001);
}

}  // namespace
}  // namespace acta::tally
