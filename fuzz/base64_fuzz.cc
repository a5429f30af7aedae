// Base64Decode on arbitrary text: strict (canonical padding, no whitespace),
// so decode-then-encode is the identity; and encode-then-decode too. The
// allocation-free Base64DecodeInto must agree with it exactly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const std::string_view text = AsChars(input);
  auto decoded = Base64Decode(text);
  if (decoded) {
    ACTA_FUZZ_CHECK(Base64Encode(*decoded) == text, "Base64Encode(Base64Decode(t)) == t");
  } else {
    ACTA_FUZZ_CHECK(decoded.error().code == ErrorCode::kMalformed, "base64 errors are kMalformed");
  }
  if (decoded) {
    Bytes out(decoded->size());
    ACTA_FUZZ_CHECK(Base64DecodeInto(text, out) && out == *decoded,
                    "Base64DecodeInto accepts what Base64Decode accepts, with the same bytes");
    Bytes longer(decoded->size() + 1);
    ACTA_FUZZ_CHECK(!Base64DecodeInto(text, longer), "Base64DecodeInto checks the size");
  } else {
    const size_t most = text.size() / 4 * 3;
    for (size_t n = most >= 2 ? most - 2 : 0; n <= most; ++n) {
      Bytes out(n);
      ACTA_FUZZ_CHECK(!Base64DecodeInto(text, out),
                      "Base64DecodeInto refuses what Base64Decode refuses");
    }
  }
  auto back = Base64Decode(Base64Encode(input));
  ACTA_FUZZ_CHECK(back.has_value() && *back == Bytes(input.begin(), input.end()),
                  "Base64Decode(Base64Encode(b)) == b");
  return 0;
}
