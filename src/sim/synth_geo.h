// Internal to the synthesizer: the region tree and the table layout of a
// synthetic country. Separate from synth.cc only to keep files small.
#pragma once

#include <cstdint>
#include <vector>

#include "core/manifest.h"
#include "core/random.h"

namespace acta::sim::internal {

// A standard normal draw (Box-Muller).
double Normal(Random& rng);

// Splits `children` among `parents` (children >= parents >= 1): every parent
// gets at least one, the rest in proportion to lognormal(0, sigma) weights.
std::vector<uint32_t> Split(uint64_t children, uint32_t parents, double sigma, Random& rng);

// A pronounceable made-up place name ("Valmira", "Tocorán").
std::string PlaceName(Random& rng);

struct Geography {
  std::vector<Region> regions;         // manifest order: country, states, ..., voting centers
  std::vector<uint32_t> table_region;  // region index of each table, in table order
  std::vector<uint32_t> state_of;  // for each region, the index of its state (0 for the country)
  std::vector<uint32_t> municipality_of;  // for each region at level >= municipality, else 0
};

// Builds the region tree and places `tables` tables in its voting centers.
Geography BuildGeography(uint32_t tables, Random& rng);

}  // namespace acta::sim::internal
