// DecodeActa on arbitrary bytes. A decoded acta must re-encode to exactly the
// input (one meaning, one byte string) and survive its QR text form.
#include <cstddef>
#include <cstdint>

#include "core/acta.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  auto acta = DecodeActa(input);
  if (!acta) {
    ACTA_FUZZ_CHECK(acta.error().code == ErrorCode::kMalformed ||
                        acta.error().code == ErrorCode::kUnsupportedVersion,
                    "decode errors are kMalformed or kUnsupportedVersion");
    ACTA_FUZZ_CHECK(!acta.error().message.empty(), "decode errors say why");
    return 0;
  }
  ACTA_FUZZ_CHECK(size >= kMinActaSize && size <= kMaxActaSize, "size within limits");
  ACTA_FUZZ_CHECK(acta->bytes == Bytes(input.begin(), input.end()), "bytes keeps the input");

  auto body = EncodeActaBody(acta->body);
  ACTA_FUZZ_CHECK(body.has_value(), "a decoded body encodes");
  Bytes again = *body;
  again.insert(again.end(), acta->signature.begin(), acta->signature.end());
  ACTA_FUZZ_CHECK(again == acta->bytes, "EncodeActaBody(body) + signature == input");

  ACTA_FUZZ_CHECK(acta->LeafHash() == LeafHashOf(input), "leaf hash of the input bytes");
  auto from_text = ActaFromText(ActaToText(*acta));
  ACTA_FUZZ_CHECK(from_text.has_value(), "the text form decodes");
  ACTA_FUZZ_CHECK(from_text->bytes == acta->bytes && from_text->body == acta->body &&
                      from_text->signature == acta->signature,
                  "text form round trip");
  return 0;
}
