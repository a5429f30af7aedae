// A small fixed manifest for tests: every key comes from a constant seed, so
// its election id is a test vector (docs/FORMATS.md, "Manifest").
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/manifest.h"

namespace acta::testing {

inline Seed FixedSeed(uint8_t b) {
  Seed s;
  s.fill(b);
  return s;
}

inline NamedSigningKey VectorAuthority() {
  return NamedSigningKey::From("test-authority", FixedSeed(0xa1));
}
inline NamedSigningKey VectorCenter() {
  return NamedSigningKey::From("test-center", FixedSeed(0xc1));
}
inline TransportKey VectorTransportKey() {
  TransportKey k;
  k.fill(0x7e);
  return k;
}

// Country XX > state XX-01 > municipality XX-01-01 > parish XX-01-01-01 >
// voting centers XX-01-01-01-001 (tables 10, 11) and -002 (table 12).
inline Manifest VectorManifest() {
  Manifest m;
  m.name = "Test Election";
  m.polls_close_not_before = 1796500800;  // 2026-12-05T20:00:00Z
  m.polls_close_not_after = 1796522400;   // 2026-12-06T02:00:00Z
  m.authority = VectorAuthority().verifier();
  m.centers = {VectorCenter().verifier()};
  m.transport_key_ids = {TransportKeyId(VectorTransportKey())};
  m.contests = {
      Contest{"president",
              "President",
              {{"p1", "Ana Pérez", "Party A"},
               {"p2", "Bruno Díaz", "Party B"},
               {"p3", "Carla Ruiz", ""}}},
      Contest{"mayor", "Mayor", {{"m1", "Dora Gil", "Party A"}, {"m2", "Emil Soto", "Party C"}}},
  };
  m.regions = {
      Region{"XX", "Testland", RegionLevel::kCountry, -1},
      Region{"XX-01", "North", RegionLevel::kState, 0},
      Region{"XX-01-01", "Harbor", RegionLevel::kMunicipality, 1},
      Region{"XX-01-01-01", "Old Town", RegionLevel::kParish, 2},
      Region{"XX-01-01-01-001", "School One", RegionLevel::kVotingCenter, 3},
      Region{"XX-01-01-01-002", "School Two", RegionLevel::kVotingCenter, 3},
  };
  const uint32_t regions[] = {4, 4, 5};
  const uint32_t registered[] = {500, 480, 700};
  for (uint32_t i = 0; i < 3; ++i) {
    m.tables.push_back(
        TableRecord{10 + i, regions[i], registered[i], 0,
                    SigningKey::FromSeed(FixedSeed(static_cast<uint8_t>(0x10 + i))).public_key()});
  }
  m.Finalize();
  return m;
}

// A fresh empty directory named after the running test, removed first.
inline std::string TestDir(const std::string& suffix = "") {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("acta-" + std::string(info->test_suite_name()) + "-" + info->name() + suffix + "-" +
              std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace acta::testing
