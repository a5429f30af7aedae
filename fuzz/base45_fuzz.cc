// Base45Decode on arbitrary text: decoding is strict, so decode-then-encode
// is the identity; and any bytes encode to text that decodes back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const std::string_view text = AsChars(input);
  auto decoded = Base45Decode(text);
  if (decoded) {
    ACTA_FUZZ_CHECK(Base45Encode(*decoded) == text, "Base45Encode(Base45Decode(t)) == t");
  } else {
    ACTA_FUZZ_CHECK(decoded.error().code == ErrorCode::kMalformed, "base45 errors are kMalformed");
  }
  auto back = Base45Decode(Base45Encode(input));
  ACTA_FUZZ_CHECK(back.has_value() && *back == Bytes(input.begin(), input.end()),
                  "Base45Decode(Base45Encode(b)) == b");
  return 0;
}
