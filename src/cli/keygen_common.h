// What `acta keygen` (authority, center and table keys) and `acta witness
// keygen` (cosignature/v1 keys) share: the options, their checks, and the
// key generated inside a PKCS#11 token. They differ only in the key type
// the printed vkey carries.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/crypto.h"
#include "core/error.h"

namespace acta::cli {

struct KeygenOptions {
  std::string name;
  std::string out;         // a private key file to create, or
  std::string token;       // a pkcs11: URI to generate the key in
  std::string pin_file;    // with token
  std::string public_out;  // also write the vkey here
};

// --name valid, exactly one of --out and --token, --pin-file only with
// --token. Errors: kInvalidArgument.
Status CheckKeygenOptions(const KeygenOptions& o);

// Prints the vkey (stdout) and writes it to --public-out if given.
Status PublishVkey(const KeygenOptions& o, const std::string& vkey);

// Generates the key pair in o.token (the private key never leaves it) and
// publishes vkey_of(its public key). The vkey is printed before
// --public-out is written: the key now exists, and a second run would
// refuse its label. Returns the exit code, errors reported as `command`.
int KeygenInToken(std::string_view command, const KeygenOptions& o,
                  const std::function<std::string(const PublicKey&)>& vkey_of);

}  // namespace acta::cli
