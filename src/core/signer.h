// An Ed25519 private key that signs, wherever it lives: in this process's
// memory (loaded from a key file) or in a PKCS#11 token (token/token_key.h),
// where the private key never leaves the device. Checkpoints, witness
// cosignatures and receipt-key certificates are signed through this
// interface; receipts, which must be fast, are signed by an in-memory key
// (docs/FORMATS.md, "Receipt key certificate").
#pragma once

#include <string>

#include "core/crypto.h"
#include "core/error.h"
#include "core/keys.h"

namespace acta {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const PublicKey& public_key() const = 0;
  // Ed25519 (RFC 8032, pure) over `message`. Thread-safe. Errors: whatever
  // the device reports (kUnavailable for a token that went away, kInternal
  // otherwise), with a message naming the key.
  [[nodiscard]] virtual Result<Signature> Sign(ByteSpan message) const = 0;
  // Where the key is, for logs and errors: "file /etc/acta/center.key" or
  // "pkcs11:token=...;object=...".
  virtual std::string Describe() const = 0;
};

// A key held in memory. Never fails.
class MemorySigner final : public Signer {
 public:
  MemorySigner(SigningKey key, std::string description)
      : key_(std::move(key)), description_(std::move(description)) {}
  const PublicKey& public_key() const override { return key_.public_key(); }
  Result<Signature> Sign(ByteSpan message) const override { return key_.Sign(message); }
  std::string Describe() const override { return description_; }

 private:
  SigningKey key_;
  std::string description_;
};

// A signer with the note key name it signs under (a center's name in the
// manifest): what checkpoints need.
struct NamedSigner {
  std::string name;
  const Signer* signer = nullptr;  // not owned

  VerifierKey verifier() const { return VerifierKey::From(name, signer->public_key()); }
};

}  // namespace acta
