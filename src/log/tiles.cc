#include "log/tiles.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace acta::log {
namespace {

// Number of hashes a tree of `size` leaves has at height `height`.
uint64_t HashesAtHeight(unsigned height, uint64_t size) {
  return height >= 64 ? 0 : size >> height;
}

// Decimal without leading zeros (so "0" only for zero), at most `max`.
bool ParseSmallDecimal(std::string_view s, uint32_t max, uint32_t& out) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

bool ParseThreeDigits(std::string_view s, uint64_t& out) {
  if (s.size() != 3) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

std::unexpected<Error> BadPath(std::string_view why) {
  return MakeError(ErrorCode::kMalformed, "tile path: " + std::string(why));
}

}  // namespace

std::string TilePath(const TileId& tile) {
  std::string path = "tile/";
  path += tile.entries ? std::string("entries") : std::to_string(tile.level);
  // 3-digit groups, most significant first.
  std::vector<uint32_t> groups;
  uint64_t n = tile.index;
  do {
    groups.push_back(static_cast<uint32_t>(n % 1000));
    n /= 1000;
  } while (n != 0);
  for (size_t i = groups.size(); i-- > 0;) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%s%03u", i == 0 ? "/" : "/x", groups[i]);
    path += buf;
  }
  if (tile.width < kTileWidth) path += ".p/" + std::to_string(tile.width);
  return path;
}

Result<TileId> ParseTilePath(std::string_view path) {
  TileId tile;
  if (!path.starts_with("tile/")) return BadPath("does not start with \"tile/\"");
  path.remove_prefix(5);
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return BadPath("no tile index");
  const std::string_view kind = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (kind == "entries") {
    tile.entries = true;
  } else {
    uint32_t level = 0;
    if (!ParseSmallDecimal(kind, kMaxTileLevel, level)) {
      return BadPath("level is not a decimal in 0..63 without leading zeros");
    }
    tile.level = level;
  }
  if (const size_t p = path.find(".p/"); p != std::string_view::npos) {
    uint32_t width = 0;
    if (!ParseSmallDecimal(path.substr(p + 3), kTileWidth - 1, width) || width == 0) {
      return BadPath("partial width is not a decimal in 1..255 without leading zeros");
    }
    tile.width = width;
    path = path.substr(0, p);
  }
  uint64_t index = 0;
  bool first = true;
  while (true) {
    const size_t next = path.find('/');
    const bool last = next == std::string_view::npos;
    std::string_view group = path.substr(0, next);
    if (!last) {
      if (!group.starts_with('x')) return BadPath("non-final index group lacks the \"x\" prefix");
      group.remove_prefix(1);
    }
    uint64_t g = 0;
    if (!ParseThreeDigits(group, g)) return BadPath("index group is not exactly 3 digits");
    if (first && !last && g == 0) return BadPath("index has a leading \"x000\" group");
    if (index > (std::numeric_limits<uint64_t>::max() - g) / 1000) {
      return BadPath("index does not fit 64 bits");
    }
    index = index * 1000 + g;
    first = false;
    if (last) break;
    path.remove_prefix(next + 1);
  }
  tile.index = index;
  return tile;
}

uint32_t PartialTileWidth(unsigned level, uint64_t size) {
  return static_cast<uint32_t>(HashesAtHeight(kTileHeight * level, size) % kTileWidth);
}

std::vector<TileId> TilesToPublish(uint64_t old_size, uint64_t new_size) {
  std::vector<TileId> out;
  if (new_size <= old_size) return out;
  // Entry bundles follow the level-0 tiles exactly; do them first.
  for (int pass = -1; pass <= static_cast<int>(kMaxTileLevel); ++pass) {
    const unsigned level = pass < 0 ? 0 : static_cast<unsigned>(pass);
    const uint64_t h_new = HashesAtHeight(kTileHeight * level, new_size);
    const uint64_t h_old = HashesAtHeight(kTileHeight * level, old_size);
    if (h_new == h_old) {
      if (h_new == 0) break;  // no hashes this high: none higher either
      continue;
    }
    for (uint64_t n = h_old / kTileWidth; n <= (h_new - 1) / kTileWidth; ++n) {
      const uint64_t start = n * kTileWidth;
      const uint64_t w_new = std::min<uint64_t>(kTileWidth, h_new - start);
      const uint64_t w_old = h_old > start ? std::min<uint64_t>(kTileWidth, h_old - start) : 0;
      if (w_new > w_old) {
        out.push_back(TileId{pass < 0, level, n, static_cast<uint32_t>(w_new)});
      }
    }
  }
  return out;
}

Result<Bytes> TileData(const MerkleTree& tree, unsigned level, uint64_t index, uint32_t width) {
  if (level > kMaxTileLevel) {
    return MakeError(ErrorCode::kInvalidArgument, "tile level " + std::to_string(level) + " > 63");
  }
  if (width == 0 || width > kTileWidth) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "tile width " + std::to_string(width) + " outside 1..256");
  }
  const unsigned height = kTileHeight * level;
  const uint64_t available = HashesAtHeight(height, tree.size());
  if (index > available / kTileWidth || index * kTileWidth + width > available) {
    return MakeError(ErrorCode::kNotFound, "tile " + TilePath(TileId{false, level, index, width}) +
                                               " is beyond the tree of size " +
                                               std::to_string(tree.size()));
  }
  Bytes out;
  out.reserve(static_cast<size_t>(width) * sizeof(Hash256));
  for (uint32_t i = 0; i < width; ++i) {
    auto h = tree.HashAt(height, index * kTileWidth + i);
    if (!h) return std::unexpected(std::move(h).error());
    out.insert(out.end(), h->begin(), h->end());
  }
  return out;
}

Result<std::vector<Hash256>> ParseTileData(ByteSpan data) {
  if (data.empty() || data.size() % sizeof(Hash256) != 0 ||
      data.size() > kTileWidth * sizeof(Hash256)) {
    return MakeError(ErrorCode::kMalformed,
                     "tile data of " + std::to_string(data.size()) + " bytes is not 1..256 hashes");
  }
  std::vector<Hash256> out(data.size() / sizeof(Hash256));
  for (size_t i = 0; i < out.size(); ++i) {
    std::copy_n(data.begin() + i * sizeof(Hash256), sizeof(Hash256), out[i].begin());
  }
  return out;
}

Result<Bytes> EncodeEntryBundle(std::span<const Bytes> entries) {
  if (entries.empty() || entries.size() > kTileWidth) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "entry bundle of " + std::to_string(entries.size()) + " entries, not 1..256");
  }
  Bytes out;
  for (const Bytes& e : entries) {
    if (e.size() > std::numeric_limits<uint16_t>::max()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "entry of " + std::to_string(e.size()) + " bytes exceeds 65535");
    }
    AppendU16(out, static_cast<uint16_t>(e.size()));
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

Result<std::vector<Bytes>> ParseEntryBundle(ByteSpan data) {
  if (data.empty()) return MakeError(ErrorCode::kMalformed, "entry bundle: empty");
  std::vector<Bytes> out;
  size_t pos = 0;
  while (pos < data.size()) {
    if (out.size() == kTileWidth) {
      return MakeError(ErrorCode::kMalformed, "entry bundle: more than 256 entries");
    }
    if (data.size() - pos < 2) {
      return MakeError(ErrorCode::kMalformed,
                       "entry bundle: truncated length at offset " + std::to_string(pos));
    }
    const size_t len = LoadU16(data.data() + pos);
    pos += 2;
    if (data.size() - pos < len) {
      return MakeError(ErrorCode::kMalformed,
                       "entry bundle: entry " + std::to_string(out.size()) + " truncated");
    }
    out.emplace_back(data.begin() + pos, data.begin() + pos + len);
    pos += len;
  }
  return out;
}

}  // namespace acta::log
