// A published log in memory for the audit tests: a signed manifest of
// `tables` tables (keys from fixed seeds), every table's signed acta
// (president A 60 / B 30 / C 5 of 100 ballots), the entry bundles, and signed checkpoints at the
// given sizes.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/acta.h"
#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "verify/dump_layout.h"
#include "verify/files.h"

namespace acta::audit::testing {

inline SigningKey TableKey(uint32_t i) {
  Seed s{};
  s[0] = static_cast<uint8_t>(i);
  s[1] = static_cast<uint8_t>(i >> 8);
  s[2] = 0x5a;
  return SigningKey::FromSeed(s);
}

inline void PublishLog(verify::MemoryFiles& files, uint32_t tables, std::vector<uint64_t> sizes) {
  Manifest m = acta::testing::VectorManifest();
  m.tables.clear();
  for (uint32_t i = 1; i <= tables; ++i)
    m.tables.push_back(TableRecord{i, i % 2 ? 4u : 5u, 110, 0, TableKey(i).public_key()});
  m.Finalize();
  ASSERT_TRUE(files.Write(verify::kManifestJson, AsBytes(m.ToJson())).has_value());
  ASSERT_TRUE(files.Write(verify::kTablesBin, m.EncodeTables()).has_value());
  ASSERT_TRUE(
      files.Write(verify::kManifestSig, AsBytes(SignManifest(m, acta::testing::VectorAuthority())))
          .has_value());
  std::vector<Bytes> entries;
  log::MerkleTree tree;
  for (uint32_t i = 1; i <= tables; ++i) {
    ActaBody b;
    b.election_id = m.election_id;
    b.table_id = i;
    b.closing_time = m.polls_close_not_before + 60;
    b.ballots_cast = 100;
    const std::vector<uint32_t> p = {60, 30, 5};
    const uint32_t used = p[0] + p[1] + p[2];
    b.contests = {ContestCounts{p, 100 - used - (100 - used) / 2, (100 - used) / 2},
                  ContestCounts{{50, 45}, 3, 2}};
    auto acta = SignActa(b, TableKey(i));
    ASSERT_TRUE(acta.has_value()) << acta.error().ToString();
    entries.push_back(acta->bytes);
    tree.Append(acta->LeafHash());
  }
  const uint64_t latest = sizes.back();
  for (const log::TileId& tile : verify::EntryBundlesFor(latest)) {
    const auto first = entries.begin() + static_cast<ptrdiff_t>(tile.index * log::kTileWidth);
    auto bundle = log::EncodeEntryBundle(std::vector<Bytes>(first, first + tile.width));
    ASSERT_TRUE(bundle.has_value());
    ASSERT_TRUE(files.Write(log::TilePath(tile), *bundle).has_value());
  }
  nlohmann::json list = nlohmann::json::array();
  std::string note;
  for (uint64_t size : sizes) {
    log::Checkpoint cp{log::LogOrigin(m.election_id), size, tree.RootAt(size).value(), {}};
    note = log::SignCheckpoint(cp, acta::testing::VectorCenter());
    list.push_back({{"size", size},
                    {"root", HexEncode(cp.root)},
                    {"created_at_ms", 1796500900000 + size},
                    {"note", note}});
  }
  ASSERT_TRUE(files.Write(verify::kCheckpointsJson, AsBytes(list.dump())).has_value());
  ASSERT_TRUE(files.Write(verify::kLatestCheckpoint, AsBytes(note)).has_value());
}

}  // namespace acta::audit::testing
