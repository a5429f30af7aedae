// The demo's bulletin table stays aligned whatever the names' length and
// accents: every row of a contest ends its numbers at the same column.
#include "sim/demo_display.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/synth.h"
#include "tally/tally.h"

namespace acta::sim {
namespace {

size_t Columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

TEST(DemoDisplayTest, BulletinRowsAlignWithAccentsAndLongNames) {
  SynthOptions o;
  o.tables = 30;
  auto synth = SynthesizeElection(o);
  ASSERT_TRUE(synth);
  Manifest& m = synth->election.manifest;
  // A long name with accents, and a short one.
  m.contests[0].candidates[0].name = "Lista Unión Democrática Revolucionaria Ñ";
  m.contests[0].candidates[1].name = "Sí";
  auto tally = tally::Tally::Create(m);
  ASSERT_TRUE(tally);
  std::istringstream text(BulletinTable(*tally, 0, 1.0));
  std::string line;
  std::vector<size_t> ends;
  int blocks = 0;
  while (std::getline(text, line)) {
    if (line.ends_with("%")) {
      ends.push_back(Columns(line));
    } else if (line.find("votes") != std::string::npos) {
      // A contest header: its "share" label ends where the numbers do.
      for (size_t e : ends) EXPECT_EQ(e, ends.front());
      ends.clear();
      const size_t share_end = Columns(line.substr(0, line.find("share") + 5));
      ends.push_back(share_end);
      ++blocks;
    }
  }
  for (size_t e : ends) EXPECT_EQ(e, ends.front());
  EXPECT_EQ(blocks, static_cast<int>(m.contests.size()));
}

}  // namespace
}  // namespace acta::sim
