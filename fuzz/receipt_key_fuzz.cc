// Receipt key certificates (log/receipt_key.h) on arbitrary bytes: the text
// parser (a strict parse formats back to the input), the signed note checked
// against a fixed center key, and the /v1/receipt-keys list form; errors
// have their codes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/receipt_key.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto text = log::ParseReceiptKeyCertificateText(input);
  if (text) {
    ACTA_FUZZ_CHECK(log::ReceiptKeyCertificateText(*text) == input,
                    "ReceiptKeyCertificateText(Parse(t)) == t");
  } else {
    ACTA_FUZZ_CHECK(text.error().code == ErrorCode::kMalformed, "text errors are kMalformed");
  }
  static const VerifierKey kCenter =
      NamedSigningKey::From("fuzz-center", fuzz::FixedSeed(0xc1)).verifier();
  auto cert = log::VerifyReceiptKeyCertificate(input, std::span<const VerifierKey>(&kCenter, 1),
                                               "acta/fuzz");
  ACTA_FUZZ_CHECK(cert.has_value() || cert.error().code == ErrorCode::kMalformed ||
                      cert.error().code == ErrorCode::kBadSignature ||
                      cert.error().code == ErrorCode::kWrongElection,
                  "certificate errors are kMalformed, kBadSignature or kWrongElection");
  static const Manifest kManifest = [] {
    Manifest m;
    m.centers = {kCenter};
    return m;
  }();
  log::ReceiptKeyRing ring(kManifest);
  auto added = ring.AddCertificates(input);
  ACTA_FUZZ_CHECK(added.has_value() || added.error().code == ErrorCode::kMalformed ||
                      added.error().code == ErrorCode::kBadSignature ||
                      added.error().code == ErrorCode::kWrongElection,
                  "list errors are kMalformed, kBadSignature or kWrongElection");
  return 0;
}
