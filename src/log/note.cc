#include "log/note.h"

#include <algorithm>
#include <optional>

#include "log/cosignature.h"
#include "log/signer_notes.h"

namespace acta::log {
namespace {

// U+2014 EM DASH followed by a space: the start of every signature line.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF; and no control character below U+0020 except "\n".
bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\n') return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (size_t j = 1; j < len; ++j) {
      const auto cc = static_cast<unsigned char>(s[i + j]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSigPrefix)) {
    return MakeError(ErrorCode::kMalformed, "note: signature line does not start with \"— \"");
  }
  line.remove_prefix(kSigPrefix.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return MakeError(ErrorCode::kMalformed, "note: signature line has no signature");
  }
  NoteSignature sig;
  sig.name = std::string(line.substr(0, space));
  if (!IsValidKeyName(sig.name)) {
    return MakeError(ErrorCode::kMalformed, "note: invalid key name in signature line");
  }
  auto blob = Base64Decode(line.substr(space + 1));
  if (!blob) return MakeError(ErrorCode::kMalformed, "note: signature is not canonical base64");
  if (blob->size() < 5) {
    return MakeError(ErrorCode::kMalformed, "note: signature shorter than key id + 1 byte");
  }
  sig.key_id = LoadU32(blob->data());
  sig.signature.assign(blob->begin() + 4, blob->end());
  return sig;
}

}  // namespace

Status ValidateNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return MakeError(ErrorCode::kMalformed, "note text must be non-empty and end in a newline");
  }
  if (!IsCleanUtf8(text)) {
    return MakeError(ErrorCode::kMalformed,
                     "note text must be UTF-8 without control characters other than newline");
  }
  return Ok();
}

Result<Note> ParseNote(std::string_view note) {
  if (note.size() > kMaxNoteSize) {
    return MakeError(ErrorCode::kMalformed,
                     "note: larger than " + std::to_string(kMaxNoteSize) + " bytes");
  }
  if (!IsCleanUtf8(note)) {
    return MakeError(ErrorCode::kMalformed,
                     "note: not UTF-8 or has control characters other than newline");
  }
  if (note.empty() || note.back() != '\n') {
    return MakeError(ErrorCode::kMalformed, "note: does not end in a newline");
  }
  // The text may itself hold blank lines; the last blank line separates it
  // from the signatures.
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return MakeError(ErrorCode::kMalformed, "note: no blank line before the signatures");
  }
  Note out;
  out.text = std::string(note.substr(0, blank + 1));
  std::string_view rest = note.substr(blank + 2);
  if (rest.empty()) return MakeError(ErrorCode::kMalformed, "note: no signature lines");
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');  // exists: the note ends in "\n"
    if (out.signatures.size() == kMaxNoteSignatures) {
      return MakeError(ErrorCode::kMalformed,
                       "note: more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    auto sig = ParseSignatureLine(rest.substr(0, eol));
    if (!sig) return std::unexpected(std::move(sig).error());
    out.signatures.push_back(std::move(*sig));
    rest.remove_prefix(eol + 1);
  }
  return out;
}

std::string FormatNoteSignature(const NoteSignature& sig) {
  Bytes blob;
  AppendU32(blob, sig.key_id);
  blob.insert(blob.end(), sig.signature.begin(), sig.signature.end());
  std::string line(kSigPrefix);
  line += sig.name;
  line += ' ';
  line += Base64Encode(blob);
  line += '\n';
  return line;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& sig : note.signatures) out += FormatNoteSignature(sig);
  return out;
}

Result<std::string> SignNote(std::string_view text, const NamedSigningKey& key) {
  const MemorySigner signer(key.key, "key " + key.name);
  return SignNoteWith(text, NamedSigner{key.name, &signer});
}

Result<std::vector<NoteSigner>> VerifyNoteSigners(const Note& note, std::span<const NoteKey> keys) {
  std::vector<std::optional<NoteSigner>> found(keys.size());
  for (const NoteSignature& sig : note.signatures) {
    for (size_t k = 0; k < keys.size(); ++k) {
      const NoteKey& key = keys[k];
      if (sig.name != key.name || sig.key_id != key.key_id) continue;
      NoteSigner signer{k, 0};
      if (key.type == kNoteAlgCosignatureV1) {
        auto time =
            VerifyCosignature(note.text, sig.signature, CosignerKey{key.name, key.key, key.key_id});
        if (!time) return MakeError(ErrorCode::kBadSignature, "note: " + time.error().message);
        signer.timestamp = *time;
      } else if (key.type == kNoteAlgEd25519) {
        Signature raw;
        if (sig.signature.size() != raw.size()) {
          return MakeError(ErrorCode::kBadSignature,
                           "note: signature by " + key.name + " is not 64 bytes long");
        }
        std::copy(sig.signature.begin(), sig.signature.end(), raw.begin());
        if (!VerifySignature(key.key, AsBytes(note.text), raw)) {
          return MakeError(ErrorCode::kBadSignature,
                           "note: signature by " + key.name + " does not verify");
        }
      } else {
        return MakeError(ErrorCode::kInvalidArgument,
                         "note: key " + key.name + " has an unsupported signature type");
      }
      if (!found[k]) found[k] = signer;
    }
  }
  std::vector<NoteSigner> out;
  for (const auto& f : found) {
    if (f) out.push_back(*f);
  }
  return out;
}

Status VerifyNote(const Note& note, const VerifierKey& key) {
  const NoteKey one = NoteKey::Of(key);
  auto signers = VerifyNoteSigners(note, std::span<const NoteKey>(&one, 1));
  if (!signers) return std::unexpected(signers.error());
  if (signers->empty()) {
    return MakeError(ErrorCode::kBadSignature, "note: no signature by key " + key.ToString());
  }
  return Ok();
}

}  // namespace acta::log
