#include "core/cosigner_keys.h"

#include "core/note_key_text.h"

namespace acta {

CosignerKey CosignerKey::From(std::string name, const PublicKey& key) {
  CosignerKey v;
  v.key_id = key_text::KeyId(name, key, kNoteAlgCosignatureV1);
  v.name = std::move(name);
  v.key = key;
  return v;
}

std::string CosignerKey::ToString() const {
  return key_text::Format(name, key_id, key, kNoteAlgCosignatureV1);
}

Result<CosignerKey> CosignerKey::Parse(std::string_view text) {
  auto parts = key_text::Parse(text, "witness verifier key", kNoteAlgCosignatureV1);
  if (!parts) return std::unexpected(parts.error());
  CosignerKey v = From(parts->name, parts->material);
  if (v.key_id != parts->key_id) {
    return MakeError(ErrorCode::kMalformed,
                     "witness verifier key: key id does not match name and key");
  }
  return v;
}

NamedCosignerKey NamedCosignerKey::From(std::string name, const Seed& seed) {
  SigningKey key = SigningKey::FromSeed(seed);
  const uint32_t id = key_text::KeyId(name, key.public_key(), kNoteAlgCosignatureV1);
  return NamedCosignerKey{std::move(name), key, id};
}

std::string NamedCosignerKey::ToString() const {
  return std::string(key_text::kPrivatePrefix) +
         key_text::Format(name, key_id, key.seed(), kNoteAlgCosignatureV1);
}

Result<NamedCosignerKey> NamedCosignerKey::Parse(std::string_view text) {
  if (!text.starts_with(key_text::kPrivatePrefix)) {
    return MakeError(ErrorCode::kMalformed, "witness signer key: must start with PRIVATE+KEY+");
  }
  auto parts = key_text::Parse(text.substr(key_text::kPrivatePrefix.size()), "witness signer key",
                               kNoteAlgCosignatureV1);
  if (!parts) return std::unexpected(parts.error());
  NamedCosignerKey k = From(parts->name, parts->material);
  if (k.key_id != parts->key_id) {
    return MakeError(ErrorCode::kMalformed,
                     "witness signer key: key id does not match name and key");
  }
  return k;
}

Status WriteCosignerKeyFile(const std::string& path, const NamedCosignerKey& key) {
  return key_text::WriteSecretFile(path, key.ToString());
}

Result<NamedCosignerKey> LoadCosignerKeyFile(const std::string& path) {
  auto text = key_text::ReadSecretFile(path);
  if (!text) return std::unexpected(text.error());
  auto key = NamedCosignerKey::Parse(*text);
  if (!key) return MakeError(key.error().code, path + ": " + key.error().message);
  return key;
}

}  // namespace acta
