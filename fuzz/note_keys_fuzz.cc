// The signed-note key texts on arbitrary bytes: verifier keys (vkey) of
// centers and authorities, private signing keys, witness cosigner keys and
// their private form (core/keys.h, core/cosigner_keys.h), as read from key
// files, --log flags and manifests. A key that parses prints to a text that
// parses to the same key, and errors are kMalformed or kInvalidArgument.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/cosigner_keys.h"
#include "core/keys.h"
#include "fuzz/fuzz_support.h"

namespace {

template <typename Parsed>
void CheckError(const acta::Result<Parsed>& r, const char* what) {
  ACTA_FUZZ_CHECK(r.has_value() || r.error().code == acta::ErrorCode::kMalformed ||
                      r.error().code == acta::ErrorCode::kInvalidArgument,
                  what);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto vkey = VerifierKey::Parse(input);
  CheckError(vkey, "vkey errors are kMalformed or kInvalidArgument");
  if (vkey) {
    auto again = VerifierKey::Parse(vkey->ToString());
    ACTA_FUZZ_CHECK(again && again->ToString() == vkey->ToString() && again->key == vkey->key,
                    "VerifierKey: a parsed key prints to a text of the same key");
  }
  auto skey = NamedSigningKey::Parse(input);
  CheckError(skey, "signing key errors are kMalformed or kInvalidArgument");
  if (skey) {
    auto again = NamedSigningKey::Parse(skey->ToString());
    ACTA_FUZZ_CHECK(again && again->verifier().ToString() == skey->verifier().ToString(),
                    "NamedSigningKey: a parsed key prints to a text of the same key");
  }
  auto ckey = CosignerKey::Parse(input);
  CheckError(ckey, "cosigner vkey errors are kMalformed or kInvalidArgument");
  if (ckey) {
    auto again = CosignerKey::Parse(ckey->ToString());
    ACTA_FUZZ_CHECK(again && again->ToString() == ckey->ToString(),
                    "CosignerKey: a parsed key prints to a text of the same key");
  }
  auto cpriv = NamedCosignerKey::Parse(input);
  CheckError(cpriv, "cosigner key errors are kMalformed or kInvalidArgument");
  return 0;
}
