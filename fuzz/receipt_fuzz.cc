// Receipt::Decode on arbitrary bytes: an accepted receipt encodes back to the
// input.
#include <cstddef>
#include <cstdint>

#include "core/receipt.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  auto receipt = Receipt::Decode(input);
  if (!receipt) {
    ACTA_FUZZ_CHECK(receipt.error().code == ErrorCode::kMalformed ||
                        receipt.error().code == ErrorCode::kUnsupportedVersion,
                    "receipt errors are kMalformed or kUnsupportedVersion");
    return 0;
  }
  ACTA_FUZZ_CHECK(size == kReceiptSize, "exactly kReceiptSize bytes");
  ACTA_FUZZ_CHECK(receipt->Encode() == Bytes(input.begin(), input.end()), "Encode(Decode(b)) == b");
  return 0;
}
