// Thin, typed wrappers over libsodium (Ed25519, BLAKE2b) and OpenSSL
// (SHA-256). Callers never touch the C APIs directly.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace acta {

constexpr size_t kPublicKeySize = 32;
constexpr size_t kSeedSize = 32;
constexpr size_t kSignatureSize = 64;
constexpr size_t kMacSize = 16;
constexpr size_t kTransportKeySize = 32;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using Seed = std::array<uint8_t, kSeedSize>;
using Signature = std::array<uint8_t, kSignatureSize>;
using Mac = std::array<uint8_t, kMacSize>;
using TransportKey = std::array<uint8_t, kTransportKeySize>;

// Must be called once before any other function here (main does; tests use
// the gtest main of core which does too). Safe to call more than once.
void InitCrypto();

Hash256 Sha256(ByteSpan data);

// Incremental SHA-256 for files and long streams.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(ByteSpan data);
  Hash256 Finish();

 private:
  void* ctx_;
};

// An Ed25519 signing key. Holds libsodium's 64-byte expanded secret key;
// wiped on destruction.
class SigningKey {
 public:
  static SigningKey FromSeed(const Seed& seed);
  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  Seed seed() const;
  Signature Sign(ByteSpan message) const;

 private:
  SigningKey() = default;
  std::array<uint8_t, 64> secret_{};
  PublicKey public_key_{};
};

// Strict Ed25519 verification (libsodium rejects non-canonical encodings and
// small-order points).
bool VerifySignature(const PublicKey& key, ByteSpan message, const Signature& signature);

// Keyed BLAKE2b with a 16-byte output: the transport MAC. The model is
// WireGuard's mac1: cheap enough to check before any signature work.
Mac ComputeMac(const TransportKey& key, ByteSpan message);
bool VerifyMac(const TransportKey& key, ByteSpan message, const Mac& mac);

// Per-table transport key: BLAKE2b-256 keyed with the master secret over
// "acta/v1/transport-key" || table_id (u32 big-endian). The center derives it
// on demand and so stores no per-table keys.
TransportKey DeriveTransportKey(const TransportKey& master, uint32_t table_id);

// Identifier of a transport master secret published in the manifest:
// hex of the first 8 bytes of BLAKE2b-256("acta/v1/transport-key-id" || master).
std::string TransportKeyId(const TransportKey& master);

}  // namespace acta
