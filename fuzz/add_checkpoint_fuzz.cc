// witness::ParseAddCheckpoint on arbitrary bodies (C2SP tlog-witness
// add-checkpoint), then the checkpoint it carries through
// log::VerifyCosignedCheckpoint with a fixed center key and two witness
// keys: a strict parse formats back to the input, errors have their codes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/cosigned_checkpoint.h"
#include "witness/add_checkpoint.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto size_line = witness::ParseTreeSize(body);
  ACTA_FUZZ_CHECK(size_line.has_value() || size_line.error().code == ErrorCode::kMalformed,
                  "tree size errors are kMalformed");
  if (size_line) {
    ACTA_FUZZ_CHECK(witness::FormatTreeSize(*size_line) == body, "FormatTreeSize round trip");
  }
  auto request = witness::ParseAddCheckpoint(body);
  if (!request) {
    ACTA_FUZZ_CHECK(request.error().code == ErrorCode::kMalformed,
                    "add-checkpoint errors are kMalformed");
    return 0;
  }
  ACTA_FUZZ_CHECK(request->proof.size() <= witness::kMaxProofLines, "at most 63 proof lines");
  ACTA_FUZZ_CHECK(witness::FormatAddCheckpoint(*request) == body,
                  "FormatAddCheckpoint(ParseAddCheckpoint(b)) == b");
  static const VerifierKey kCenter =
      NamedSigningKey::From("fuzz-center", fuzz::FixedSeed(0xc1)).verifier();
  static const log::SignerQuorum kWitnesses{
      {log::NoteKey::Of(NamedCosignerKey::From("fuzz-witness-a", fuzz::FixedSeed(0xd1)).verifier()),
       log::NoteKey::Of(
           NamedCosignerKey::From("fuzz-witness-b", fuzz::FixedSeed(0xd2)).verifier())},
      1};
  auto checked = log::VerifyCosignedCheckpoint(
      request->checkpoint, std::span<const VerifierKey>(&kCenter, 1), "acta/fuzz", kWitnesses);
  ACTA_FUZZ_CHECK(checked.has_value() || checked.error().code == ErrorCode::kMalformed ||
                      checked.error().code == ErrorCode::kBadSignature ||
                      checked.error().code == ErrorCode::kWrongElection,
                  "cosigned checkpoint errors are kMalformed, kBadSignature or kWrongElection");
  return 0;
}
