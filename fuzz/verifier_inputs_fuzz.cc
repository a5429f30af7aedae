// What `acta verify` reads besides the log's own formats, on arbitrary bytes:
// its --state file (remembered checkpoints, verify/state.h), a dump's
// SHA256SUMS (verify/files.h) and a consistency proof as
// /v1/proof/consistency serves it (verify/internal/checks.h). A state that
// parses serializes to a text that parses to the same state; every error is
// kMalformed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "verify/files.h"
#include "verify/internal/checks.h"
#include "verify/state.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto state = verify::ParseVerifierState(input);
  if (state) {
    const std::string text = verify::SerializeVerifierState(*state);
    auto again = verify::ParseVerifierState(text);
    ACTA_FUZZ_CHECK(again.has_value(), "a serialized state parses");
    ACTA_FUZZ_CHECK(again->origin == state->origin && again->checkpoints == state->checkpoints,
                    "Parse(Serialize(s)) == s");
  } else {
    ACTA_FUZZ_CHECK(state.error().code == ErrorCode::kMalformed, "state errors are kMalformed");
  }
  auto sums = verify::ParseChecksums(input);
  ACTA_FUZZ_CHECK(sums.has_value() || sums.error().code == ErrorCode::kMalformed,
                  "SHA256SUMS errors are kMalformed");
  // The sizes come from the input's first bytes, so that both small and
  // large trees are tried.
  const uint64_t from = size > 0 ? data[0] : 0;
  const uint64_t to = from + (size > 1 ? data[1] : 0);
  auto proof = verify::internal::ParseConsistencyProofJson(ByteSpan(data, size), from, to);
  ACTA_FUZZ_CHECK(proof.has_value() || proof.error().code == ErrorCode::kMalformed,
                  "consistency proof errors are kMalformed");
  return 0;
}
