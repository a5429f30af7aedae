// What `acta demo` prints: the refreshing status line, the bulletin table,
// and the final check of the tally against the synthetic truth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/election_secrets.h"
#include "sim/fleet.h"
#include "tally/tally.h"

namespace acta::sim {

// "  12.3s  counted 18,234/30,000  60.8%  1,523 actas/s  retries 2,311 |
// metro 9,001/16,500 gsm ..." on one line (no newline).
std::string StatusLine(const FleetSnapshot& s, double elapsed_seconds, double actas_per_second,
                       uint64_t counted, const std::vector<std::string>& link_names);

// The bulletin table at the country level: every contest with its
// candidates' votes and shares, blank and null, tables counted, turnout,
// and whether the result is irreversible. Ends with a newline.
std::string BulletinTable(const tally::Tally& tally, uint64_t checkpoint_size,
                          double elapsed_seconds);

struct TruthCheck {
  uint64_t counted = 0;     // tables in state counted
  uint64_t mismatches = 0;  // counted tables whose counts differ from the truth, plus missing ones
  bool totals_equal = false;          // country totals equal the sum of the truth
  std::vector<std::string> examples;  // the first few problems
};

// Compares every table's counted acta with what its truth says it counted,
// and the country totals with the sum of the truth. Reads the tally only.
TruthCheck CheckAgainstTruth(const tally::Tally& tally, const Truth& truth);

// 21034567 -> "21,034,567".
std::string Thousands(uint64_t n);

}  // namespace acta::sim
