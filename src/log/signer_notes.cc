#include "log/signer_notes.h"

#include "core/cosigner_keys.h"
#include "log/cosignature.h"

namespace acta::log {

Result<std::string> SignNoteWith(std::string_view text, const NamedSigner& key) {
  ACTA_RETURN_IF_ERROR(ValidateNoteText(text));
  auto signature = key.signer->Sign(AsBytes(text));
  if (!signature) return std::unexpected(signature.error());
  Note note{std::string(text),
            {NoteSignature{key.name, NoteKeyId(key.name, key.signer->public_key()),
                           Bytes(signature->begin(), signature->end())}}};
  return FormatNote(note);
}

Result<std::string> SignCheckpointWith(const Checkpoint& checkpoint, const NamedSigner& key) {
  ACTA_RETURN_IF_ERROR(ValidateCheckpoint(checkpoint));
  return SignNoteWith(CheckpointText(checkpoint), key);
}

Result<NoteSignature> CosignWith(std::string_view checkpoint_text, const std::string& name,
                                 const Signer& signer, uint64_t timestamp) {
  if (timestamp == 0 || timestamp > kMaxCosignatureTime) {
    return MakeError(ErrorCode::kInvalidArgument, "cosign: timestamp must be in 1..2^63-1");
  }
  ACTA_RETURN_IF_ERROR(ValidateNoteText(checkpoint_text));
  auto sig = signer.Sign(AsBytes(CosignatureMessage(checkpoint_text, timestamp)));
  if (!sig) return std::unexpected(sig.error());
  const CosignerKey key = CosignerKey::From(name, signer.public_key());
  NoteSignature out{name, key.key_id, {}};
  AppendU64(out.signature, timestamp);
  out.signature.insert(out.signature.end(), sig->begin(), sig->end());
  return out;
}

}  // namespace acta::log
