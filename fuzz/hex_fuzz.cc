// HexDecode on arbitrary text: it accepts both cases, so decode-then-encode
// gives the lowercased input; encode-then-decode is the identity.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const std::string text(AsChars(input));
  auto decoded = HexDecode(text);
  if (decoded) {
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ACTA_FUZZ_CHECK(decoded->size() * 2 == text.size(), "two digits per byte");
    ACTA_FUZZ_CHECK(HexEncode(*decoded) == lower, "HexEncode(HexDecode(t)) == lowercase t");
  } else {
    ACTA_FUZZ_CHECK(decoded.error().code == ErrorCode::kMalformed, "hex errors are kMalformed");
  }
  auto back = HexDecode(HexEncode(input));
  ACTA_FUZZ_CHECK(back.has_value() && *back == Bytes(input.begin(), input.end()),
                  "HexDecode(HexEncode(b)) == b");
  auto fixed = HexDecodeFixed<4>(text);
  ACTA_FUZZ_CHECK(fixed.has_value() == (decoded.has_value() && decoded->size() == 4),
                  "HexDecodeFixed<4> accepts exactly 4-byte hex");
  return 0;
}
