#include "cli/keygen_common.h"

#include <cstdio>

#include "cli/command.h"
#include "core/file.h"
#include "core/keys.h"
#include "token/token_key.h"

namespace acta::cli {

Status CheckKeygenOptions(const KeygenOptions& o) {
  if (!IsValidKeyName(o.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--name must be non-empty without '+' or white space");
  }
  if (o.token.empty() == o.out.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give either --out (a key file) or --token (a key in a PKCS#11 token)");
  }
  if (o.token.empty() && !o.pin_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--pin-file goes with --token, not with a key file");
  }
  if (!o.token.empty() && !token::IsPkcs11Uri(o.token)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--token must be a pkcs11: URI, got \"" + o.token + "\"");
  }
  return Ok();
}

Status PublishVkey(const KeygenOptions& o, const std::string& vkey) {
  std::printf("%s\n", vkey.c_str());
  std::fflush(stdout);
  if (o.public_out.empty()) return Ok();
  return WriteFileAtomic(o.public_out, vkey + "\n");
}

int KeygenInToken(std::string_view command, const KeygenOptions& o,
                  const std::function<std::string(const PublicKey&)>& vkey_of) {
  auto key = token::TokenKey::Generate(o.token, o.pin_file);
  if (!key) return ReportError(command, key.error());
  std::fprintf(stderr, "generated the private key in the token (not extractable): %s\n",
               o.token.c_str());
  if (auto st = PublishVkey(o, vkey_of((*key)->public_key())); !st) {
    return ReportError(command, st.error());
  }
  return kExitOk;
}

}  // namespace acta::cli
