// Named Ed25519 keys in the C2SP signed-note key formats, so that center and
// authority keys interoperate with the transparency-log ecosystem:
//   verifier key: <name>+<key id, 8 hex>+<base64(0x01 || public key)>
//   signer key:   PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || seed)>
// The key id is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto.h"

namespace acta {

constexpr uint8_t kNoteAlgEd25519 = 0x01;

// REQUIRES: name is non-empty, has no '+' and no whitespace.
uint32_t NoteKeyId(std::string_view name, const PublicKey& key);
bool IsValidKeyName(std::string_view name);

struct VerifierKey {
  std::string name;
  PublicKey key{};
  uint32_t key_id = 0;

  std::string ToString() const;
  static Result<VerifierKey> Parse(std::string_view text);
  static VerifierKey From(std::string name, const PublicKey& key);
};

struct NamedSigningKey {
  std::string name;
  SigningKey key;
  uint32_t key_id = 0;

  VerifierKey verifier() const { return VerifierKey::From(name, key.public_key()); }
  std::string ToString() const;  // the PRIVATE+KEY+... form
  static Result<NamedSigningKey> Parse(std::string_view text);
  static NamedSigningKey From(std::string name, const Seed& seed);
};

// Creates `path` with mode 0600 (refuses to overwrite an existing file).
Status WriteSigningKeyFile(const std::string& path, const NamedSigningKey& key);
// Loads a signer key file. A file readable by group or others still loads
// but logs a warning naming the file and its mode.
Result<NamedSigningKey> LoadSigningKeyFile(const std::string& path);
Result<VerifierKey> LoadVerifierKeyFile(const std::string& path);

}  // namespace acta
