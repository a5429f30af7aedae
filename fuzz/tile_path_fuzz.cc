// log::ParseTilePath on arbitrary text: it accepts only the canonical form,
// so TilePath(ParseTilePath(p)) == p.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/tiles.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view path(reinterpret_cast<const char*>(data), size);
  auto tile = log::ParseTilePath(path);
  if (!tile) {
    ACTA_FUZZ_CHECK(tile.error().code == ErrorCode::kMalformed, "tile path errors are kMalformed");
    return 0;
  }
  ACTA_FUZZ_CHECK(tile->width >= 1 && tile->width <= log::kTileWidth, "width in 1..256");
  ACTA_FUZZ_CHECK(tile->level <= log::kMaxTileLevel, "level <= 63");
  ACTA_FUZZ_CHECK(!tile->entries || tile->level == 0, "entry bundles are level 0");
  ACTA_FUZZ_CHECK(log::TilePath(*tile) == path, "TilePath(ParseTilePath(p)) == p");
  return 0;
}
