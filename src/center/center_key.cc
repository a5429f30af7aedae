#include "center/center_key.h"

#include "core/bytes.h"
#include "core/keys.h"
#include "token/token_key.h"

namespace acta::center {
namespace {

std::string ListedCenters(const Manifest& m) {
  std::string out;
  for (const auto& c : m.centers) out += (out.empty() ? "" : ", ") + c.ToString();
  return out.empty() ? "none" : out;
}

}  // namespace

Result<CenterKey> OpenCenterKey(const std::string& key, const std::string& pin_file,
                                const Manifest& manifest) {
  CenterKey out;
  if (token::IsPkcs11Uri(key)) {
    auto opened = token::TokenKey::Open(key, pin_file);
    if (!opened) return std::unexpected(opened.error());
    const PublicKey& pub = (*opened)->public_key();
    // The token holds no name: the manifest's entry with this public key
    // gives it.
    for (const auto& c : manifest.centers) {
      if (c.key == pub) out.name = c.name;
    }
    if (out.name.empty()) {
      return MakeError(ErrorCode::kPermissionDenied,
                       key + ": the token's key (public key " + Base64Encode(pub) +
                           ") is not one of the manifest's center keys (" +
                           ListedCenters(manifest) + ")");
    }
    out.signer = std::move(*opened);
    out.in_token = true;
    return out;
  }
  if (!pin_file.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "--pin-file is for a key in a token (--key pkcs11:...), not the key file " + key);
  }
  auto file = LoadSigningKeyFile(key);
  if (!file) return std::unexpected(file.error());
  const VerifierKey* listed = manifest.FindCenter(file->key_id);
  if (listed == nullptr || listed->key != file->key.public_key()) {
    return MakeError(ErrorCode::kPermissionDenied, key + ": this center key (" +
                                                       file->verifier().ToString() +
                                                       ") is not listed in the manifest's centers");
  }
  out.name = file->name;
  out.signer = std::make_unique<MemorySigner>(file->key, "file " + key);
  return out;
}

}  // namespace acta::center
