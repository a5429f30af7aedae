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
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
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
// ValidateNoteText fails.
[[nodiscard]] Result<std::string> SignNote(std::string_view text, const NamedSigningKey& key);

// Checks the signatures of `note` by `key` (same name and key id).
// Signatures by other keys are ignored. Errors: kBadSignature if a signature
// by `key` fails to verify (the whole note is rejected, as the spec advises)
// or if there is none.
[[nodiscard]] Status VerifyNote(const Note& note, const VerifierKey& key);

}  // namespace acta::log
