#include "log/cosignature.h"

#include <algorithm>

#include "log/signer_notes.h"

namespace acta::log {

std::string CosignatureMessage(std::string_view checkpoint_text, uint64_t timestamp) {
  std::string msg = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  msg += checkpoint_text;
  return msg;
}

Result<NoteSignature> Cosign(std::string_view checkpoint_text, const NamedCosignerKey& key,
                             uint64_t timestamp) {
  return CosignWith(checkpoint_text, key.name, MemorySigner(key.key, "witness key " + key.name),
                    timestamp);
}

Result<uint64_t> VerifyCosignature(std::string_view checkpoint_text, ByteSpan signature,
                                   const CosignerKey& key) {
  if (signature.size() != kCosignatureSize) {
    return MakeError(ErrorCode::kBadSignature, "cosignature by " + key.name + " is " +
                                                   std::to_string(signature.size()) +
                                                   " bytes long, not 72");
  }
  const uint64_t timestamp = LoadU64(signature.data());
  if (timestamp == 0 || timestamp > kMaxCosignatureTime) {
    return MakeError(ErrorCode::kBadSignature, "cosignature by " + key.name + " has timestamp " +
                                                   std::to_string(timestamp) +
                                                   ", outside 1..2^63-1");
  }
  Signature raw;
  std::copy(signature.begin() + 8, signature.end(), raw.begin());
  if (!VerifySignature(key.key, AsBytes(CosignatureMessage(checkpoint_text, timestamp)), raw)) {
    return MakeError(ErrorCode::kBadSignature, "cosignature by " + key.name + " does not verify");
  }
  return timestamp;
}

}  // namespace acta::log
