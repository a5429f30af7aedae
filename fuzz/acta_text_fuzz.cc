// ActaFromText on arbitrary text. An accepted text, once the whitespace a
// scanner may add is trimmed, is exactly what ActaToText gives back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/acta.h"
#include "fuzz/fuzz_support.h"

namespace {

bool IsTrimmed(char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsTrimmed(s.back())) s.remove_suffix(1);
  while (!s.empty() && IsTrimmed(s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto acta = ActaFromText(text);
  if (!acta) {
    ACTA_FUZZ_CHECK(acta.error().code == ErrorCode::kMalformed ||
                        acta.error().code == ErrorCode::kUnsupportedVersion,
                    "text errors are kMalformed or kUnsupportedVersion");
    return 0;
  }
  ACTA_FUZZ_CHECK(ActaToText(*acta) == Trim(text), "ActaToText(ActaFromText(t)) == trimmed t");
  auto decoded = DecodeActa(acta->bytes);
  ACTA_FUZZ_CHECK(decoded.has_value() && decoded->body == acta->body, "bytes decode the same");
  return 0;
}
