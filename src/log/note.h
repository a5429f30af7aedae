// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures:
//
//   <text, one or more lines, each ending in "\n">
//   "\n"
//   "— <key name> <base64(4-byte big-endian key id || 64-byte signature)>\n"  (1 or more)
//
// The signature is Ed25519 over the text bytes exactly (final newline
// included, separating blank line excluded); key ids are core/keys.h
// NoteKeyId. checkpoint.h builds on this. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/cosigner_keys.h"
#include "core/error.h"
#include "core/keys.h"

namespace acta::log {

// Limits we apply to notes from outside (the spec asks for at least 16
// signatures; post-quantum ones are up to ~5 kB each).
constexpr size_t kMaxNoteSize = 128 * 1024;
constexpr size_t kMaxNoteSignatures = 32;

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  Bytes signature;  // without the key id; 64 bytes for Ed25519

  bool operator==(const NoteSignature&) const = default;
};

struct Note {
  std::string text;  // ends in "\n"
  std::vector<NoteSignature> signatures;

  bool operator==(const Note&) const = default;
};

// Checks that `text` can be a note text: non-empty, ends in "\n", valid
// UTF-8, no control characters other than "\n". Errors: kMalformed.
[[nodiscard]] Status ValidateNoteText(std::string_view text);

// Strict parse; no signature is verified. Errors (all kMalformed): size above
// kMaxNoteSize, invalid UTF-8 or control characters, no blank line before
// the signatures, no signature or more than kMaxNoteSignatures, a signature
// line not of the form above (bad key name, non-canonical base64, fewer than
// 5 decoded bytes).
[[nodiscard]] Result<Note> ParseNote(std::string_view note);

// The signature line for one signature, "— name base64(id || sig)\n".
[[nodiscard]] std::string FormatNoteSignature(const NoteSignature& sig);
// Text, blank line, then the signature lines in order.
[[nodiscard]] std::string FormatNote(const Note& note);

// Signs `text` with `key`; returns the full note. Errors: kMalformed if
// ValidateNoteText fails. (Witnesses cosign with log/cosignature.h.)
[[nodiscard]] Result<std::string> SignNote(std::string_view text, const NamedSigningKey& key);

// A key that signs notes, with its signature type: 0x01 plain Ed25519
// (authority, centers: core/keys.h) or 0x04 cosignature/v1 (witnesses:
// core/cosigner_keys.h).
struct NoteKey {
  std::string name;
  uint32_t key_id = 0;
  PublicKey key{};
  uint8_t type = kNoteAlgEd25519;

  static NoteKey Of(const VerifierKey& k) { return {k.name, k.key_id, k.key, kNoteAlgEd25519}; }
  static NoteKey Of(const CosignerKey& k) {
    return {k.name, k.key_id, k.key, kNoteAlgCosignatureV1};
  }
};

// One key that validly signed a note.
struct NoteSigner {
  size_t key = 0;          // index into the keys given
  uint64_t timestamp = 0;  // a cosignature's time (type 0x04); 0 for plain Ed25519

  bool operator==(const NoteSigner&) const = default;
};

// The one signature check of every note acta reads. Checks each signature
// of `note` whose name and key id match one of `keys`, by that key's type:
// 0x01 Ed25519 over the text, 0x04 cosignature/v1 (log/cosignature.h).
// Signatures by other keys are ignored. Returns the keys with a valid
// signature, each once, in the order of `keys` (possibly none).
// Errors: kBadSignature if a signature by one of `keys` fails (the whole
// note is rejected, as the spec advises); kInvalidArgument for a key of
// another type.
[[nodiscard]] Result<std::vector<NoteSigner>> VerifyNoteSigners(const Note& note,
                                                                std::span<const NoteKey> keys);

// VerifyNoteSigners with the one key `key`, which must have signed.
// Errors: kBadSignature if its signature fails or if there is none.
[[nodiscard]] Status VerifyNote(const Note& note, const VerifierKey& key);

}  // namespace acta::log
