// C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the log served as static,
// immutable files.
//
//   tile/<L>/<N>[.p/<W>]        hash tile: W (default 256) consecutive 32-byte
//                               hashes of the tree nodes at height 8*L, i.e.
//                               MerkleTree::HashAt(8*L, N*256 + i), i < W
//   tile/entries/<N>[.p/<W>]    entry bundle: entries N*256 .. N*256+W-1, each
//                               as a big-endian uint16 length then the bytes
//
// <N> is written in 3-digit groups, all but the last prefixed with "x"
// (1234067 -> "x001/x234/067"); ".p/<W>" marks a partial tile, 1 <= W <= 255.
// Pure functions, thread-safe (MerkleTree is itself thread-safe).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "log/merkle.h"

namespace acta::log {

constexpr unsigned kTileHeight = 8;
constexpr uint32_t kTileWidth = 256;  // hashes (or entries) in a full tile
constexpr unsigned kMaxTileLevel = 63;

struct TileId {
  bool entries = false;         // an entry bundle rather than a hash tile
  unsigned level = 0;           // 0..kMaxTileLevel; always 0 for entry bundles
  uint64_t index = 0;           // <N>
  uint32_t width = kTileWidth;  // 1..256; below 256 it is a partial tile

  bool operator==(const TileId&) const = default;
};

// The path of a tile relative to the log prefix, e.g. "tile/0/x001/x234/067.p/8".
// REQUIRES level <= kMaxTileLevel (0 for entries) and 1 <= width <= 256.
[[nodiscard]] std::string TilePath(const TileId& tile);

// Strict inverse of TilePath: accepts exactly the canonical form (no leading
// slash, no leading zeros in L or W, no needless "x000/" group, ".p/256"
// rejected, index within 64 bits). Errors: kMalformed.
[[nodiscard]] Result<TileId> ParseTilePath(std::string_view path);

// Width of the rightmost, partial tile at `level` for a tree of `size`
// leaves: floor(size / 256^level) mod 256 (0 if there is none).
[[nodiscard]] uint32_t PartialTileWidth(unsigned level, uint64_t size);

// Every hash tile and entry bundle (with the width it has at new_size) whose
// content differs between tree sizes old_size and new_size: what a log must
// publish to go from one checkpoint to the next. Ordered by level (entry
// bundles first), then index. REQUIRES old_size <= new_size.
[[nodiscard]] std::vector<TileId> TilesToPublish(uint64_t old_size, uint64_t new_size);

// The bytes of hash tile (level, index, width) of `tree`: width * 32 bytes.
// Errors: kInvalidArgument for a level above kMaxTileLevel or a width outside
// 1..256; kNotFound if the tree is not yet large enough to fill it.
[[nodiscard]] Result<Bytes> TileData(const MerkleTree& tree, unsigned level, uint64_t index,
                                     uint32_t width);
// Splits tile bytes into hashes. Errors: kMalformed unless the size is a
// multiple of 32 holding 1..256 hashes.
[[nodiscard]] Result<std::vector<Hash256>> ParseTileData(ByteSpan data);

// Encodes entries as a bundle. Errors: kInvalidArgument for no entries, more
// than 256, or one longer than 65535 bytes.
[[nodiscard]] Result<Bytes> EncodeEntryBundle(std::span<const Bytes> entries);
// Strict decode. Errors: kMalformed for an empty bundle, a truncated length
// or entry, or more than 256 entries.
[[nodiscard]] Result<std::vector<Bytes>> ParseEntryBundle(ByteSpan data);

}  // namespace acta::log
