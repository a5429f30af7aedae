// Signing notes, checkpoints and witness cosignatures with a core/signer.h
// Signer (a key in memory or in a PKCS#11 token), producing exactly the bytes
// SignNote, SignCheckpoint and Cosign produce with a key file: a verifier
// cannot tell, and need not know, where the key was. Thread-safe if the
// signer is.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/signer.h"
#include "log/checkpoint.h"
#include "log/note.h"

namespace acta::log {

// The note: text, blank line, one Ed25519 signature line by `key`
// (type 0x01, key id NoteKeyId(key.name, public key)).
// Errors: kMalformed if ValidateNoteText fails; the signer's error.
[[nodiscard]] Result<std::string> SignNoteWith(std::string_view text, const NamedSigner& key);

// SignCheckpoint with a Signer. Errors: kInvalidArgument if
// ValidateCheckpoint fails; the signer's error.
[[nodiscard]] Result<std::string> SignCheckpointWith(const Checkpoint& checkpoint,
                                                     const NamedSigner& key);

// Cosign (log/cosignature.h) with a Signer: a cosignature/v1 line by the
// witness `name` (key type 0x04). Errors: as Cosign; the signer's error.
[[nodiscard]] Result<NoteSignature> CosignWith(std::string_view checkpoint_text,
                                               const std::string& name, const Signer& signer,
                                               uint64_t timestamp);

}  // namespace acta::log
