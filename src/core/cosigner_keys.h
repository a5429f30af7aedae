// Witness keys (DESIGN.md, Actors): Ed25519 keys for C2SP tlog-cosignature
// cosignature/v1, in the signed-note key encodings with signature type 0x04:
//   verifier key (vkey): <name>+<key id, 8 hex>+<base64(0x04 || public key)>
//   signer key:          PRIVATE+KEY+<name>+<key id>+<base64(0x04 || seed)>
//   key id:              SHA-256(name || 0x0A || 0x04 || public key)[:4]
// Types apart from keys.h's VerifierKey / NamedSigningKey (type 0x01), so a
// witness key can never be used where a center or authority key belongs,
// and parsing one as the other fails (kMalformed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto.h"
#include "core/keys.h"

namespace acta {

constexpr uint8_t kNoteAlgCosignatureV1 = 0x04;

struct CosignerKey {
  std::string name;
  PublicKey key{};
  uint32_t key_id = 0;

  std::string ToString() const;
  // Errors: kMalformed (not a type-0x04 vkey, or a key id that does not match).
  static Result<CosignerKey> Parse(std::string_view text);
  static CosignerKey From(std::string name, const PublicKey& key);
};

struct NamedCosignerKey {
  std::string name;
  SigningKey key;
  uint32_t key_id = 0;

  CosignerKey verifier() const { return CosignerKey::From(name, key.public_key()); }
  std::string ToString() const;  // the PRIVATE+KEY+... form
  static Result<NamedCosignerKey> Parse(std::string_view text);
  static NamedCosignerKey From(std::string name, const Seed& seed);
};

// Creates `path` with mode 0600 (refuses to overwrite an existing file).
Status WriteCosignerKeyFile(const std::string& path, const NamedCosignerKey& key);
// Loads a witness signer key file (warns when readable by others).
Result<NamedCosignerKey> LoadCosignerKeyFile(const std::string& path);

}  // namespace acta
