// A small hand-built manifest shared by the tally tests (no files, no
// signatures): two states, three voting centers, four tables, two contests.
#pragma once

#include <utility>
#include <vector>

#include "core/acta.h"
#include "core/manifest.h"

namespace acta::tally::testing {

// Region indices of TestManifest().
constexpr int32_t kCountry = 0, kState1 = 1, kMuni1 = 2, kParish1 = 3, kCenter1 = 4, kCenter2 = 5,
                  kState2 = 6, kMuni2 = 7, kParish2 = 8, kCenter3 = 9;

inline Manifest TestManifest() {
  Manifest m;
  m.name = "Test election";
  m.polls_close_not_before = 1000;
  m.polls_close_not_after = 2000;
  m.contests = {
      {"pres", "President", {{"a", "Ana", "P1"}, {"b", "Bruno", "P2"}, {"c", "Carla", "P3"}}},
      {"gov", "Governor", {{"x", "Xavier", "P1"}, {"y", "Yolanda", "P2"}}},
  };
  auto add = [&](std::string code, std::string name, RegionLevel level, int32_t parent) {
    m.regions.push_back({std::move(code), std::move(name), level, parent});
  };
  add("VE", "Venezuela", RegionLevel::kCountry, -1);
  add("VE-01", "State One", RegionLevel::kState, kCountry);
  add("VE-01-01", "Muni One", RegionLevel::kMunicipality, kState1);
  add("VE-01-01-01", "Parish One", RegionLevel::kParish, kMuni1);
  add("VE-01-01-01-0001", "School A", RegionLevel::kVotingCenter, kParish1);
  add("VE-01-01-01-0002", "School B", RegionLevel::kVotingCenter, kParish1);
  add("VE-02", "State Two", RegionLevel::kState, kCountry);
  add("VE-02-01", "Muni Two", RegionLevel::kMunicipality, kState2);
  add("VE-02-01-01", "Parish Two", RegionLevel::kParish, kMuni2);
  add("VE-02-01-01-0001", "School C", RegionLevel::kVotingCenter, kParish2);
  m.tables = {
      {101, kCenter1, 100, 0, {}},
      {102, kCenter1, 200, 0, {}},
      {103, kCenter2, 150, 0, {}},
      {104, kCenter3, 300, 0, {}},
  };
  m.election_id.fill(0x11);
  return m;
}

// An acta body for TestManifest() whose counts add up: pres = {a, b, c},
// blank 1, null 1; gov = {x, y}, blank = the rest, null 0.
inline ActaBody Body(uint32_t table, uint32_t a, uint32_t b, uint32_t c, uint32_t x, uint32_t y) {
  ActaBody body;
  body.election_id.fill(0x11);
  body.table_id = table;
  body.closing_time = 1500;
  body.ballots_cast = a + b + c + 2;
  body.contests = {{{a, b, c}, 1, 1}, {{x, y}, body.ballots_cast - x - y, 0}};
  return body;
}

inline Hash256 Leaf(uint8_t v) {
  Hash256 h;
  h.fill(v);
  return h;
}

}  // namespace acta::tally::testing
