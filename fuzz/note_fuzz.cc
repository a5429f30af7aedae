// log::ParseNote on arbitrary text (C2SP signed notes). The parse is strict,
// so formatting a parsed note gives back the input exactly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/note.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto note = log::ParseNote(text);
  if (!note) {
    ACTA_FUZZ_CHECK(note.error().code == ErrorCode::kMalformed, "note errors are kMalformed");
    return 0;
  }
  ACTA_FUZZ_CHECK(log::ValidateNoteText(note->text).has_value(), "a parsed note has a valid text");
  ACTA_FUZZ_CHECK(!note->signatures.empty() && note->signatures.size() <= log::kMaxNoteSignatures,
                  "1..kMaxNoteSignatures signatures");
  ACTA_FUZZ_CHECK(log::FormatNote(*note) == text, "FormatNote(ParseNote(t)) == t");
  // Verifying against an unrelated key must fail cleanly, never crash.
  static const VerifierKey kKey =
      NamedSigningKey::From("fuzz-center", fuzz::FixedSeed(0xc1)).verifier();
  auto verified = log::VerifyNote(*note, kKey);
  ACTA_FUZZ_CHECK(verified.has_value() || verified.error().code == ErrorCode::kBadSignature,
                  "VerifyNote fails only with kBadSignature");
  return 0;
}
