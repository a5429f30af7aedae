// Ed25519 keys held in a PKCS#11 token (an HSM, a smart card, SoftHSM2),
// named by an RFC 7512 URI, e.g.
//
//   pkcs11:token=acta-center-1;object=checkpoint-key
//   pkcs11:token=acta;object=witness;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so
//
// The module is the one the URI's module-path names, else every module
// p11-kit is configured with (/usr/share/p11-kit/modules/, e.g. Debian's
// softhsm2), optionally narrowed by module-name. The PIN is read from a
// file (the --pin-file option, else the URI's pin-source), never from the
// command line. Signing uses CKM_EDDSA (pure Ed25519, RFC 8032): the
// signatures are byte for byte those of the same key in a file, so
// verifiers cannot tell where a key was kept. The private key never leaves
// the token; acta never sees it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/signer.h"

namespace acta::token {

// True when `text` is a pkcs11: URI (what --key takes besides a key file).
bool IsPkcs11Uri(std::string_view text);

class TokenKey final : public Signer {
 public:
  // Loads the module, finds the one token the URI matches, logs in with the
  // PIN and finds the Ed25519 key pair (private and public objects matching
  // the URI's object and id), then signs a test message and verifies it
  // with the public key. Errors, each naming the URI and the token:
  //   kInvalidArgument  not a pkcs11: URI, or one that does not parse;
  //   kIo               the PIN file cannot be read;
  //   kUnavailable      no module loads, or no token matches (the tokens
  //                     present are listed);
  //   kFailedPrecondition several tokens match;
  //   kPermissionDenied the PIN is wrong or locked;
  //   kNotFound         no matching private or public Ed25519 key;
  //   kBadSignature     the token's signature does not verify with its
  //                     public key (not pure Ed25519, or a mismatched pair).
  // PKCS#11 logs in per token and process, not per session: while another
  // TokenKey of this process is open on the same token, the token answers
  // any PIN with CKR_USER_ALREADY_LOGGED_IN, so a second Open cannot tell a
  // wrong PIN (acta opens one key per token and process: the center's, or a
  // witness's).
  static Result<std::unique_ptr<TokenKey>> Open(std::string_view uri, const std::string& pin_file);

  // Generates an Ed25519 key pair inside the token (CKM_EC_EDWARDS_KEY_PAIR_GEN),
  // private key sensitive and not extractable, labelled with the URI's
  // object (required) and id (if any), then opens it as Open does.
  // Errors: as Open; kAlreadyExists if a key with that label exists.
  static Result<std::unique_ptr<TokenKey>> Generate(std::string_view uri,
                                                    const std::string& pin_file);

  ~TokenKey() override;
  TokenKey(const TokenKey&) = delete;
  TokenKey& operator=(const TokenKey&) = delete;

  const PublicKey& public_key() const override { return public_key_; }
  // One signing operation at a time on the token's session (a mutex). A
  // token taken away fails with kUnavailable, naming it; once it is back,
  // the next call finds it and the key again (a new session, logged in with
  // the PIN read at open, the key checked to be the same) and signs.
  Result<Signature> Sign(ByteSpan message) const override;
  std::string Describe() const override { return uri_; }

 private:
  struct Session;
  TokenKey() = default;
  Status Reconnect() const;
  std::string uri_;
  std::string pin_;  // kept to log in again when the token comes back
  PublicKey public_key_{};
  std::unique_ptr<Session> session_;
};

}  // namespace acta::token
