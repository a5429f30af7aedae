// The text forms every C2SP signed-note key type shares, so that the plain
// Ed25519 keys (keys.h, type 0x01) and the witnesses' cosignature keys
// (cosigner_keys.h, type 0x04) are one implementation:
//   verifier key:  <name>+<key id, 8 hex>+<base64(type || 32-byte public key)>
//   signer key:    PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(type || 32-byte seed)>
//   key id:        first 4 bytes of SHA-256(name || 0x0A || type || public key)
// Internal to core's key files.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto.h"

namespace acta::key_text {

constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

uint32_t KeyId(std::string_view name, const PublicKey& key, uint8_t type);

struct Parts {
  std::string name;
  uint32_t key_id = 0;
  std::array<uint8_t, 32> material{};
};

// "<name>+<hex id>+<base64 blob>" with blob = type || 32 bytes; trailing
// newline and spaces ignored. `what` starts each error message.
// Errors: kMalformed.
Result<Parts> Parse(std::string_view text, std::string_view what, uint8_t type);
std::string Format(std::string_view name, uint32_t key_id, const std::array<uint8_t, 32>& material,
                   uint8_t type);

// Creates `path` with mode 0600 holding `text` and a newline, fsynced;
// kAlreadyExists if it exists (keys are never overwritten), kIo otherwise.
Status WriteSecretFile(const std::string& path, const std::string& text);
// Reads a private key file, warning (once per call) when group or others
// may read it.
Result<std::string> ReadSecretFile(const std::string& path);

}  // namespace acta::key_text
