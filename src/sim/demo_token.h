// `acta demo --token`: the center's key moves into a SoftHSM2 token in the
// demo's work directory before the center starts, and the center signs
// its checkpoints from there (--key pkcs11:...), as a center with a key in a
// hardware token does. The synthetic election made the key as a file; it is
// imported into the token and the file deleted, so from then on the key
// exists only in the token (docs/OPERATIONS.md, "Center key in a token",
// for how a real center generates it there instead).
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "token/soft_token.h"

namespace acta::sim::demo_internal {

struct DemoToken {
  std::unique_ptr<token::SoftToken> token;
  std::string uri;       // pkcs11:token=acta-demo-center;object=center?module-path=...
  std::string pin_file;  // in the token's directory
};

// Makes the token in WORKDIR/softhsm, imports `key_file` (a center key
// file) into it as object "center" and deletes the file. Errors:
// kUnavailable (softhsm2 not installed), the key file's, softhsm2-util's.
[[nodiscard]] Result<DemoToken> MoveCenterKeyToToken(const std::string& key_file,
                                                     const std::string& workdir);

}  // namespace acta::sim::demo_internal
