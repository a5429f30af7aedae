// log::ParseCheckpointUnverified on arbitrary text, and log::ParseCheckpointText
// on the same bytes read as a bare note text. Both are strict, so a parsed
// checkpoint writes back to exactly its text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "log/checkpoint.h"
#include "log/note.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto cp = log::ParseCheckpointUnverified(text);
  if (cp) {
    auto note = log::ParseNote(text);
    ACTA_FUZZ_CHECK(note.has_value(), "a checkpoint is a note");
    ACTA_FUZZ_CHECK(log::ValidateCheckpoint(*cp).has_value(), "a parsed checkpoint is valid");
    ACTA_FUZZ_CHECK(log::CheckpointText(*cp) == note->text, "CheckpointText == the note text");
    static const NamedSigningKey kKey = NamedSigningKey::From("fuzz-center", fuzz::FixedSeed(0xc1));
    auto verified = log::ParseAndVerifyCheckpoint(text, kKey.verifier(), cp->origin);
    ACTA_FUZZ_CHECK(verified.has_value() || verified.error().code == ErrorCode::kBadSignature,
                    "verifying a parsed checkpoint fails only with kBadSignature");
  } else {
    ACTA_FUZZ_CHECK(cp.error().code == ErrorCode::kMalformed, "checkpoint errors are kMalformed");
  }

  auto body = log::ParseCheckpointText(text);
  if (body) {
    ACTA_FUZZ_CHECK(log::ValidateCheckpoint(*body).has_value(), "a parsed text is valid");
    ACTA_FUZZ_CHECK(log::CheckpointText(*body) == text,
                    "CheckpointText(ParseCheckpointText(t)) == t");
  } else {
    ACTA_FUZZ_CHECK(body.error().code == ErrorCode::kMalformed, "text errors are kMalformed");
  }
  return 0;
}
