#include "core/crypto.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace acta {

void InitCrypto() {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing is safe
}

Hash256 Sha256(ByteSpan data) {
  Hash256 out;
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}
Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Hasher::Update(ByteSpan data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
Hash256 Sha256Hasher::Finish() {
  Hash256 out;
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len);
  return out;
}

SigningKey SigningKey::FromSeed(const Seed& seed) {
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.data(), seed.data());
  return key;
}
SigningKey::SigningKey(const SigningKey& other)
    : secret_(other.secret_), public_key_(other.public_key_) {}
SigningKey& SigningKey::operator=(const SigningKey& other) {
  secret_ = other.secret_;
  public_key_ = other.public_key_;
  return *this;
}
SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Seed SigningKey::seed() const {
  Seed seed;
  crypto_sign_ed25519_sk_to_seed(seed.data(), secret_.data());
  return seed;
}

Signature SigningKey::Sign(ByteSpan message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool VerifySignature(const PublicKey& key, ByteSpan message, const Signature& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

Mac ComputeMac(const TransportKey& key, ByteSpan message) {
  Mac mac;
  crypto_generichash(mac.data(), mac.size(), message.data(), message.size(), key.data(),
                     key.size());
  return mac;
}

bool VerifyMac(const TransportKey& key, ByteSpan message, const Mac& mac) {
  Mac expected = ComputeMac(key, message);
  return sodium_memcmp(expected.data(), mac.data(), mac.size()) == 0;
}

TransportKey DeriveTransportKey(const TransportKey& master, uint32_t table_id) {
  constexpr std::string_view kLabel = "acta/v1/transport-key";
  uint8_t msg[kLabel.size() + 4];
  std::memcpy(msg, kLabel.data(), kLabel.size());
  for (int i = 0; i < 4; ++i)
    msg[kLabel.size() + i] = static_cast<uint8_t>(table_id >> (24 - 8 * i));
  TransportKey out;
  crypto_generichash(out.data(), out.size(), msg, sizeof msg, master.data(), master.size());
  return out;
}

std::string TransportKeyId(const TransportKey& master) {
  constexpr std::string_view kLabel = "acta/v1/transport-key-id";
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kLabel.data()), kLabel.size());
  crypto_generichash_update(&st, master.data(), master.size());
  uint8_t out[32];
  crypto_generichash_final(&st, out, sizeof out);
  return HexEncode(ByteSpan(out, 8));
}

}  // namespace acta
