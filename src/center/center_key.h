// The center's checkpoint key: a key file (held in memory) or an Ed25519
// key in a PKCS#11 token named by a pkcs11: URI (token/token_key.h), whose
// private key never leaves the token. Either way the key must be one of the
// manifest's center keys, whose name it then signs under.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "core/manifest.h"
#include "core/signer.h"

namespace acta::center {

struct CenterKey {
  std::unique_ptr<Signer> signer;
  std::string name;  // the manifest's name for this center key
  // True when the key is in a token (so receipts get a receipt key).
  bool in_token = false;

  NamedSigner named() const { return NamedSigner{name, signer.get()}; }
};

// `key` is a key file path or a pkcs11: URI; `pin_file` holds the token's
// PIN (only with a URI; the URI's pin-source otherwise). Errors, each naming
// the file or the URI and token: TokenKey::Open's (wrong PIN
// kPermissionDenied, missing token kUnavailable, missing key kNotFound...),
// the key file's, kInvalidArgument (--pin-file with a key file), and
// kPermissionDenied when the key is not one of the manifest's centers.
[[nodiscard]] Result<CenterKey> OpenCenterKey(const std::string& key, const std::string& pin_file,
                                              const Manifest& manifest);

}  // namespace acta::center
