// Where each published file lives in a dump directory (docs/FORMATS.md,
// "Dump directory"). The names mirror the center's public routes so a dump
// can itself be served as a static mirror of the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "log/tiles.h"

namespace acta::verify {

inline constexpr char kManifestJson[] = "manifest.json";
inline constexpr char kTablesBin[] = "tables.bin";
inline constexpr char kManifestSig[] = "manifest.sig";
inline constexpr char kLatestCheckpoint[] = "checkpoint";  // /checkpoint, the latest note
inline constexpr char kCheckpointsJson[] = "checkpoints.json";
inline constexpr char kTablesCsv[] = "tables.csv";
inline constexpr char kDumpJson[] = "dump.json";
inline constexpr char kDumpFormat[] = "acta-dump-v1";

// "bulletin/<size>.json": the bulletin of the checkpoint of that size.
inline std::string BulletinPath(uint64_t size) {
  return "bulletin/" + std::to_string(size) + ".json";
}

// "proof/consistency/<from>-<to>.json": the center's consistency proof
// between the pinned checkpoint (size `from`) and a later one, as served by
// /v1/proof/consistency.
inline std::string ConsistencyProofPath(uint64_t from, uint64_t to) {
  return "proof/consistency/" + std::to_string(from) + "-" + std::to_string(to) + ".json";
}

// The entry bundles that hold entries [0, size): full bundles, then one
// partial bundle when size is not a multiple of 256.
inline std::vector<log::TileId> EntryBundlesFor(uint64_t size) {
  std::vector<log::TileId> out;
  for (uint64_t i = 0; i * log::kTileWidth < size; ++i) {
    const uint64_t left = size - i * log::kTileWidth;
    out.push_back(
        {true, 0, i, static_cast<uint32_t>(left >= log::kTileWidth ? log::kTileWidth : left)});
  }
  return out;
}

}  // namespace acta::verify
