// `acta keygen`: a new Ed25519 key in the C2SP signed-note formats, in a key
// file or generated inside a PKCS#11 token.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/keygen_common.h"
#include "core/file.h"
#include "core/keys.h"
#include "core/random.h"

namespace acta::cli {
namespace {

int RunKeygen(const KeygenOptions& o) {
  if (auto st = CheckKeygenOptions(o); !st) return ReportError("keygen", st.error());
  if (!o.token.empty()) {
    // The vkey printed is the only thing election.csv needs.
    return KeygenInToken("keygen", o, [&](const PublicKey& key) {
      return VerifierKey::From(o.name, key).ToString();
    });
  }
  Seed seed;
  SystemRandom().Fill(seed);
  auto key = NamedSigningKey::From(o.name, seed);
  if (auto st = WriteSigningKeyFile(o.out, key); !st) return ReportError("keygen", st.error());
  std::fprintf(stderr, "wrote private key %s (mode 0600)\n", o.out.c_str());
  if (auto st = PublishVkey(o, key.verifier().ToString()); !st) {
    return ReportError("keygen", st.error());
  }
  return kExitOk;
}

}  // namespace

void RegisterKeygen(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen",
      "Create an Ed25519 signing key (authority, center or table machine) in the C2SP\n"
      "signed-note format. Writes the private key file (mode 0600, never overwritten), or with\n"
      "--token generates the key pair inside a PKCS#11 token (the private key never exists in\n"
      "a file), and prints the public verifier key, <name>+<key id>+<base64>: a center row of\n"
      "election.csv may give it (docs/OPERATIONS.md, \"Center key in a token\").");
  cmd->add_option("--name", o->name, "Key name, e.g. center-1 (no '+' or white space)")->required();
  cmd->add_option("--out", o->out, "Private key file to create (or --token)");
  cmd->add_option("--public-out", o->public_out, "Also write the verifier key to this file");
  cmd->add_option("--token", o->token,
                  "Generate the key in a PKCS#11 token instead, named by an RFC 7512 URI whose\n"
                  "object= labels it, e.g. pkcs11:token=acta-center-1;object=center (add\n"
                  "?module-path=/usr/lib/softhsm/libsofthsm2.so for a module p11-kit does not\n"
                  "load). Refuses if the token already has a key with that label");
  cmd->add_option("--pin-file", o->pin_file,
                  "With --token: file holding the token's user PIN (else the URI's pin-source)");
  cmd->callback([&run, o] { run = [o] { return RunKeygen(*o); }; });
}

}  // namespace acta::cli
