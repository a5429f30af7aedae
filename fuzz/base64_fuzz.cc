// Base64Decode on arbitrary text: strict (canonical padding, no whitespace),
// so decode-then-encode is the identity; and encode-then-decode too.
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
  auto back = Base64Decode(Base64Encode(input));
  ACTA_FUZZ_CHECK(back.has_value() && *back == Bytes(input.begin(), input.end()),
                  "Base64Decode(Base64Encode(b)) == b");
  return 0;
}
