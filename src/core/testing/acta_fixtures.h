// Shared fixtures for tests of actas: a fixed body and key so vectors in
// docs/FORMATS.md can be checked byte for byte.
#pragma once

#include "core/acta.h"

namespace acta::testing {

// Seed 0x01 0x02 ... 0x20 for the test table's machine key.
inline Seed VectorTableSeed() {
  Seed s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i + 1);
  return s;
}

// election id = SHA-256("acta test election"), table 1001, two contests.
inline ActaBody VectorBody() {
  ActaBody b;
  b.election_id = Sha256(AsBytes("acta test election"));
  b.table_id = 1001;
  b.closing_time = 1796500800;  // 2026-12-05T20:00:00Z
  b.correction = 0;
  b.ballots_cast = 412;
  b.contests = {ContestCounts{{150, 130, 90, 20}, 12, 10}, ContestCounts{{200, 180}, 20, 12}};
  return b;
}

}  // namespace acta::testing
