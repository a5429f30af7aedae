// Shared pieces of the libFuzzer targets: an invariant check that aborts (so
// libFuzzer records the input as a crash), and the small fixed manifest that
// the counts-file target and the seed-corpus generator parse against.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/crypto.h"
#include "core/manifest.h"

// Aborts with a message naming the broken invariant. Used instead of assert()
// so that it also fires in builds with NDEBUG.
#define ACTA_FUZZ_CHECK(cond, what)                                                            \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "fuzz invariant failed: %s [%s] at %s:%d\n", what, #cond, __FILE__, \
                   __LINE__);                                                                  \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)

namespace acta::fuzz {

inline Seed FixedSeed(uint8_t b) {
  Seed s;
  s.fill(b);
  return s;
}

// Two contests (3 and 2 candidates), one voting center, tables 10 and 11.
// Every key comes from a constant seed, so the manifest is the same on
// every run.
inline Manifest SmallManifest() {
  Manifest m;
  m.name = "Fuzz Election";
  m.polls_close_not_before = 1796500800;  // 2026-12-05T20:00:00Z
  m.polls_close_not_after = 1796522400;   // 2026-12-06T02:00:00Z
  m.authority = NamedSigningKey::From("fuzz-authority", FixedSeed(0xa1)).verifier();
  m.centers = {NamedSigningKey::From("fuzz-center", FixedSeed(0xc1)).verifier()};
  TransportKey transport;
  transport.fill(0x7e);
  m.transport_key_ids = {TransportKeyId(transport)};
  m.contests = {
      Contest{"president",
              "President",
              {{"p1", "Ana", "A"}, {"p2", "Bruno", "B"}, {"p3", "Carla", ""}}},
      Contest{"mayor", "Mayor", {{"m1", "Dora", "A"}, {"m2", "Emil", "C"}}},
  };
  m.regions = {
      Region{"XX", "Testland", RegionLevel::kCountry, -1},
      Region{"XX-01", "North", RegionLevel::kState, 0},
      Region{"XX-01-01", "Harbor", RegionLevel::kMunicipality, 1},
      Region{"XX-01-01-01", "Old Town", RegionLevel::kParish, 2},
      Region{"XX-01-01-01-001", "School One", RegionLevel::kVotingCenter, 3},
  };
  for (uint32_t i = 0; i < 2; ++i) {
    m.tables.push_back(
        TableRecord{10 + i, 4, 500, 0,
                    SigningKey::FromSeed(FixedSeed(static_cast<uint8_t>(0x10 + i))).public_key()});
  }
  m.Finalize();
  return m;
}

}  // namespace acta::fuzz
