// The center's receipt: its signature over (election id, leaf hash, time),
// returned only once the acta is durable (docs/FORMATS.md, "Receipt").
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/error.h"
#include "core/keys.h"
#include "core/signer.h"

namespace acta {

constexpr uint8_t kReceiptVersion = 1;
constexpr size_t kReceiptSize = 1 + 32 + 32 + 8 + 4 + kSignatureSize;

struct Receipt {
  Hash256 election_id{};
  Hash256 leaf_hash{};
  uint64_t received_at_ms = 0;  // Unix milliseconds when the acta became durable
  uint32_t center_key_id = 0;   // C2SP note key id of the signing center key
  Signature signature{};

  Bytes Encode() const;
  // The signed message: "acta/v1/receipt\n" || the encoding without signature.
  Bytes SignedMessage() const;
  bool Verify(const VerifierKey& center) const;

  static Receipt Sign(const Hash256& election_id, const Hash256& leaf_hash, uint64_t received_at_ms,
                      const NamedSigningKey& center);
  // The same through a Signer (a receipt key in memory, or a key in a
  // token) whose note key id is `key_id`. Errors: the signer's.
  static Result<Receipt> SignWith(const Hash256& election_id, const Hash256& leaf_hash,
                                  uint64_t received_at_ms, const Signer& signer, uint32_t key_id);
  // Strict: exactly kReceiptSize bytes, known version.
  static Result<Receipt> Decode(ByteSpan bytes);
  bool operator==(const Receipt&) const = default;
};

}  // namespace acta
