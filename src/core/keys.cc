#include "core/keys.h"

#include "core/file.h"
#include "core/note_key_text.h"

namespace acta {

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '+' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  return key_text::KeyId(name, key, kNoteAlgEd25519);
}

VerifierKey VerifierKey::From(std::string name, const PublicKey& key) {
  VerifierKey v;
  v.key_id = NoteKeyId(name, key);
  v.name = std::move(name);
  v.key = key;
  return v;
}

std::string VerifierKey::ToString() const {
  return key_text::Format(name, key_id, key, kNoteAlgEd25519);
}

Result<VerifierKey> VerifierKey::Parse(std::string_view text) {
  auto parts = key_text::Parse(text, "verifier key", kNoteAlgEd25519);
  if (!parts) return std::unexpected(parts.error());
  VerifierKey v = From(parts->name, parts->material);
  if (v.key_id != parts->key_id)
    return MakeError(ErrorCode::kMalformed, "verifier key: key id does not match name and key");
  return v;
}

NamedSigningKey NamedSigningKey::From(std::string name, const Seed& seed) {
  SigningKey key = SigningKey::FromSeed(seed);
  uint32_t id = NoteKeyId(name, key.public_key());
  return NamedSigningKey{std::move(name), key, id};
}

std::string NamedSigningKey::ToString() const {
  return std::string(key_text::kPrivatePrefix) +
         key_text::Format(name, key_id, key.seed(), kNoteAlgEd25519);
}

Result<NamedSigningKey> NamedSigningKey::Parse(std::string_view text) {
  if (!text.starts_with(key_text::kPrivatePrefix))
    return MakeError(ErrorCode::kMalformed, "signer key: must start with PRIVATE+KEY+");
  auto parts =
      key_text::Parse(text.substr(key_text::kPrivatePrefix.size()), "signer key", kNoteAlgEd25519);
  if (!parts) return std::unexpected(parts.error());
  NamedSigningKey k = From(parts->name, parts->material);
  if (k.key_id != parts->key_id)
    return MakeError(ErrorCode::kMalformed, "signer key: key id does not match name and key");
  return k;
}

Status WriteSigningKeyFile(const std::string& path, const NamedSigningKey& key) {
  return key_text::WriteSecretFile(path, key.ToString());
}

Result<NamedSigningKey> LoadSigningKeyFile(const std::string& path) {
  auto text = key_text::ReadSecretFile(path);
  if (!text) return std::unexpected(text.error());
  auto key = NamedSigningKey::Parse(*text);
  if (!key) return MakeError(key.error().code, path + ": " + key.error().message);
  return key;
}

Result<VerifierKey> LoadVerifierKeyFile(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return std::unexpected(text.error());
  auto key = VerifierKey::Parse(*text);
  if (!key) return MakeError(key.error().code, path + ": " + key.error().message);
  return key;
}

}  // namespace acta
