// ParseManifest(json, tables_bin). The input is manifest.json, one NUL byte,
// then tables.bin (no NUL: all of it is the JSON and tables.bin is empty).
// An accepted manifest must write out (ToJson, EncodeTables) to files that
// parse back to the same canonical bytes and election id.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/manifest.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const std::string_view all = AsChars(input);
  const size_t nul = all.find('\0');
  const std::string_view json = all.substr(0, nul);
  const ByteSpan tables = nul == std::string_view::npos ? ByteSpan() : input.subspan(nul + 1);

  auto manifest = ParseManifest(json, tables);
  if (!manifest) {
    ACTA_FUZZ_CHECK(!manifest.error().message.empty(), "parse errors say why");
    return 0;
  }
  ACTA_FUZZ_CHECK(manifest->EncodeTables() == Bytes(tables.begin(), tables.end()),
                  "tables.bin re-encodes to the input");
  const Bytes canonical = manifest->CanonicalBytes();
  ACTA_FUZZ_CHECK(manifest->election_id == Sha256(canonical), "election id = SHA-256(canonical)");

  const std::string json_again = manifest->ToJson();
  auto again = ParseManifest(json_again, manifest->EncodeTables());
  ACTA_FUZZ_CHECK(again.has_value(), "a parsed manifest's own JSON parses");
  ACTA_FUZZ_CHECK(again->CanonicalBytes() == canonical, "same canonical bytes after round trip");
  ACTA_FUZZ_CHECK(again->election_id == manifest->election_id, "same election id");
  ACTA_FUZZ_CHECK(again->ToJson() == json_again, "ToJson is a fixed point");
  return 0;
}
