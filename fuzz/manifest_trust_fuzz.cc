// Manifest trust files (log/manifest_signatures.h: "signer <vkey>" lines and
// one "quorum <k>" line) on arbitrary bytes: a file that parses formats to a
// text that parses to the same signers and quorum; errors are kMalformed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/manifest_signatures.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto trust = log::ParseManifestTrust(input);
  if (!trust) {
    ACTA_FUZZ_CHECK(trust.error().code == ErrorCode::kMalformed, "trust errors are kMalformed");
    return 0;
  }
  ACTA_FUZZ_CHECK(trust->quorum >= 1 && trust->quorum <= trust->signers.size(),
                  "quorum within 1..signers");
  const std::string text = log::FormatManifestTrust(*trust);
  auto again = log::ParseManifestTrust(text);
  ACTA_FUZZ_CHECK(again.has_value(), "a formatted trust file parses");
  ACTA_FUZZ_CHECK(log::FormatManifestTrust(*again) == text,
                  "Format(Parse(Format(t))) == Format(t)");
  return 0;
}
