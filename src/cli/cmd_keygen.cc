// `acta keygen`: a new Ed25519 key in the C2SP signed-note formats.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/file.h"
#include "core/keys.h"
#include "core/random.h"

namespace acta::cli {
namespace {

struct KeygenOptions {
  std::string name;
  std::string out;
  std::string public_out;
};

int RunKeygen(const KeygenOptions& o) {
  if (!IsValidKeyName(o.name)) {
    return ReportError("keygen", Error{ErrorCode::kInvalidArgument,
                                       "--name must be non-empty without '+' or white space"});
  }
  Seed seed;
  SystemRandom().Fill(seed);
  auto key = NamedSigningKey::From(o.name, seed);
  if (auto st = WriteSigningKeyFile(o.out, key); !st) return ReportError("keygen", st.error());
  std::string verifier = key.verifier().ToString();
  if (!o.public_out.empty()) {
    if (auto st = WriteFileAtomic(o.public_out, verifier + "\n"); !st) {
      return ReportError("keygen", st.error());
    }
  }
  std::fprintf(stderr, "wrote private key %s (mode 0600)\n", o.out.c_str());
  std::printf("%s\n", verifier.c_str());
  return kExitOk;
}

}  // namespace

void RegisterKeygen(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen",
      "Create an Ed25519 signing key (authority, center or table machine) in the C2SP\n"
      "signed-note format. Writes the private key file (mode 0600, never overwritten) and prints\n"
      "the public verifier key, <name>+<key id>+<base64>.");
  cmd->add_option("--name", o->name, "Key name, e.g. center-1 (no '+' or white space)")->required();
  cmd->add_option("--out", o->out, "Private key file to create")->required();
  cmd->add_option("--public-out", o->public_out, "Also write the verifier key to this file");
  cmd->callback([&run, o] { run = [o] { return RunKeygen(*o); }; });
}

}  // namespace acta::cli
