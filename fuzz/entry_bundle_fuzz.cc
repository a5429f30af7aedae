// log::ParseEntryBundle and log::ParseTileData on arbitrary bytes: the tile
// contents a verifier downloads. An accepted bundle encodes back to the
// input; accepted tile data is its hashes laid end to end.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "log/tiles.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const Bytes input_bytes(input.begin(), input.end());

  auto entries = log::ParseEntryBundle(input);
  if (entries) {
    ACTA_FUZZ_CHECK(!entries->empty() && entries->size() <= log::kTileWidth, "1..256 entries");
    auto encoded = log::EncodeEntryBundle(*entries);
    ACTA_FUZZ_CHECK(encoded.has_value() && *encoded == input_bytes,
                    "EncodeEntryBundle(ParseEntryBundle(b)) == b");
  } else {
    ACTA_FUZZ_CHECK(entries.error().code == ErrorCode::kMalformed, "bundle errors are kMalformed");
  }

  auto hashes = log::ParseTileData(input);
  if (hashes) {
    ACTA_FUZZ_CHECK(!hashes->empty() && hashes->size() <= log::kTileWidth, "1..256 hashes");
    Bytes joined;
    for (const Hash256& h : *hashes) joined.insert(joined.end(), h.begin(), h.end());
    ACTA_FUZZ_CHECK(joined == input_bytes, "tile data is its hashes end to end");
  } else {
    ACTA_FUZZ_CHECK(hashes.error().code == ErrorCode::kMalformed,
                    "tile data errors are kMalformed");
  }
  return 0;
}
