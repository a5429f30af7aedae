#include "core/receipt.h"

#include "core/wire.h"

namespace acta {
namespace {
constexpr std::string_view kReceiptSigContext = "acta/v1/receipt\n";
}

Bytes Receipt::SignedMessage() const {
  Bytes out(kReceiptSigContext.begin(), kReceiptSigContext.end());
  out.push_back(kReceiptVersion);
  out.insert(out.end(), election_id.begin(), election_id.end());
  out.insert(out.end(), leaf_hash.begin(), leaf_hash.end());
  AppendU64(out, received_at_ms);
  AppendU32(out, center_key_id);
  return out;
}

Bytes Receipt::Encode() const {
  Bytes msg = SignedMessage();
  Bytes out(msg.begin() + kReceiptSigContext.size(), msg.end());
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

bool Receipt::Verify(const VerifierKey& center) const {
  return center.key_id == center_key_id && VerifySignature(center.key, SignedMessage(), signature);
}

Receipt Receipt::Sign(const Hash256& election_id, const Hash256& leaf_hash, uint64_t received_at_ms,
                      const NamedSigningKey& center) {
  Receipt r;
  r.election_id = election_id;
  r.leaf_hash = leaf_hash;
  r.received_at_ms = received_at_ms;
  r.center_key_id = center.key_id;
  r.signature = center.key.Sign(r.SignedMessage());
  return r;
}

Result<Receipt> Receipt::SignWith(const Hash256& election_id, const Hash256& leaf_hash,
                                  uint64_t received_at_ms, const Signer& signer, uint32_t key_id) {
  Receipt r;
  r.election_id = election_id;
  r.leaf_hash = leaf_hash;
  r.received_at_ms = received_at_ms;
  r.center_key_id = key_id;
  auto signature = signer.Sign(r.SignedMessage());
  if (!signature) return std::unexpected(signature.error());
  r.signature = *signature;
  return r;
}

Result<Receipt> Receipt::Decode(ByteSpan bytes) {
  if (bytes.size() != kReceiptSize) {
    return MakeError(ErrorCode::kMalformed, "receipt must be " + std::to_string(kReceiptSize) +
                                                " bytes, got " + std::to_string(bytes.size()));
  }
  if (bytes[0] != kReceiptVersion) {
    return MakeError(ErrorCode::kUnsupportedVersion,
                     "receipt version " + std::to_string(bytes[0]) + " is not supported");
  }
  WireReader r(bytes);
  Receipt out;
  (void)r.U8("version");
  auto eid = r.Take(32, "election_id");
  std::copy(eid->begin(), eid->end(), out.election_id.begin());
  auto leaf = r.Take(32, "leaf_hash");
  std::copy(leaf->begin(), leaf->end(), out.leaf_hash.begin());
  out.received_at_ms = *r.U64("received_at");
  out.center_key_id = *r.U32("center_key_id");
  auto sig = r.Take(kSignatureSize, "signature");
  std::copy(sig->begin(), sig->end(), out.signature.begin());
  return out;
}

}  // namespace acta
