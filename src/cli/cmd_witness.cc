// `acta witness`: run a C2SP tlog-witness that cosigns the checkpoints of
// the elections it follows; `acta witness keygen`: make its key.
#include "cli/cmd_witness.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/config_file.h"
#include "cli/keygen_common.h"
#include "cli/stop_signals.h"
#include "core/cosigner_keys.h"
#include "core/file.h"
#include "core/keys.h"
#include "core/random.h"
#include "core/signer.h"
#include "log/checkpoint.h"
#include "log/manifest_signatures.h"
#include "token/token_key.h"
#include "witness/witness_service.h"

namespace acta::cli {
namespace {

struct WitnessCliOptions {
  std::string key_file;  // or a pkcs11: URI
  std::string pin_file;
  std::string name;  // with a token key: the name it cosigns as
  std::string state;
  std::vector<std::string> elections;
  std::vector<std::string> logs;  // ORIGIN=VKEY
  std::vector<std::string> listen = {"127.0.0.1:0"};
  std::string tls_cert;
  std::string tls_key;
};

int RunWitnessKeygen(const KeygenOptions& o) {
  if (auto st = CheckKeygenOptions(o); !st) return ReportError("witness keygen", st.error());
  // A cosignature/v1 vkey (type 0x04), for the manifest's witness row.
  if (!o.token.empty()) {
    return KeygenInToken("witness keygen", o, [&](const PublicKey& key) {
      return CosignerKey::From(o.name, key).ToString();
    });
  }
  Seed seed;
  SystemRandom().Fill(seed);
  auto key = NamedCosignerKey::From(o.name, seed);
  if (auto st = WriteCosignerKeyFile(o.out, key); !st) {
    return ReportError("witness keygen", st.error());
  }
  std::fprintf(stderr, "wrote private witness key %s (mode 0600)\n", o.out.c_str());
  if (auto st = PublishVkey(o, key.verifier().ToString()); !st) {
    return ReportError("witness keygen", st.error());
  }
  return kExitOk;
}

// "ORIGIN=VKEY[,VKEY...]"
Result<witness::FollowedLog> ParseLogFlag(std::string_view flag) {
  const size_t eq = flag.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "--log must be ORIGIN=VKEY[,VKEY...]");
  }
  witness::FollowedLog log{std::string(flag.substr(0, eq)), {}};
  std::string_view keys = flag.substr(eq + 1);
  while (!keys.empty()) {
    const size_t comma = std::min(keys.find(','), keys.size());
    auto key = VerifierKey::Parse(keys.substr(0, comma));
    if (!key) return MakeError(ErrorCode::kInvalidArgument, "--log: " + key.error().message);
    log.keys.push_back(std::move(*key));
    keys.remove_prefix(std::min(comma + 1, keys.size()));
  }
  return log;
}

struct WitnessKey {
  std::string name;
  std::shared_ptr<const Signer> signer;
};

// A cosigner key file, or a key in a PKCS#11 token (the private key never
// in a file). A token holds no name: --name gives it, else the followed
// manifests' witness with this public key. Errors name the URI and token:
// wrong PIN, missing token or key (token::TokenKey::Open), no name.
Result<WitnessKey> OpenWitnessKey(const WitnessCliOptions& o,
                                  const std::vector<Manifest>& manifests) {
  if (!token::IsPkcs11Uri(o.key_file)) {
    if (!o.pin_file.empty()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "--pin-file is for a key in a token (--key pkcs11:...), not the key file " + o.key_file);
    }
    auto key = LoadCosignerKeyFile(o.key_file);
    if (!key) return std::unexpected(key.error());
    return WitnessKey{key->name, std::make_shared<MemorySigner>(key->key, "file " + o.key_file)};
  }
  auto opened = token::TokenKey::Open(o.key_file, o.pin_file);
  if (!opened) return std::unexpected(opened.error());
  WitnessKey out{o.name, std::move(*opened)};
  if (out.name.empty()) {
    for (const auto& m : manifests) {
      for (const auto& w : m.witnesses) {
        if (w.key.key == out.signer->public_key()) out.name = w.key.name;
      }
    }
  }
  if (out.name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     o.key_file + ": the token's key (public key " +
                         Base64Encode(out.signer->public_key()) +
                         ") is no witness of the elections followed: give --name");
  }
  return out;
}

int RunWitness(const WitnessCliOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return ReportError("witness",
                       Error{ErrorCode::kInvalidArgument, "--tls-cert and --tls-key go together"});
  }
  witness::WitnessServiceOptions so;
  so.state_path = o.state;
  so.listen = o.listen;
  if (!o.tls_cert.empty()) so.tls = http::TlsFiles{o.tls_cert, o.tls_key};
  std::vector<Manifest> manifests;
  for (const auto& dir : o.elections) {
    auto manifest = log::LoadTrustedManifest(dir, std::nullopt);
    if (!manifest) return ReportError("witness", manifest.error());
    so.logs.push_back(witness::FollowManifest(*manifest));
    manifests.push_back(std::move(*manifest));
  }
  for (const auto& flag : o.logs) {
    auto log = ParseLogFlag(flag);
    if (!log) return ReportError("witness", log.error());
    so.logs.push_back(std::move(*log));
  }
  auto key = OpenWitnessKey(o, manifests);
  if (!key) return ReportError("witness", key.error());
  const StopSignals signals;

  SystemClock clock;
  const std::string vkey = CosignerKey::From(key->name, key->signer->public_key()).ToString();
  const std::string host = so.listen.front().substr(0, so.listen.front().rfind(':'));
  spdlog::info("witness key {} ({})", key->name, key->signer->Describe());
  auto service =
      witness::WitnessService::Start(key->name, std::move(key->signer), std::move(so), clock);
  if (!service) return ReportError("witness", service.error());
  std::printf("witness %s://%s:%u\nvkey %s\n", o.tls_cert.empty() ? "http" : "https",
              host == "0.0.0.0" ? "127.0.0.1" : host.c_str(), (*service)->port(), vkey.c_str());
  std::fflush(stdout);
  for (const auto& log : (*service)->witness().logs()) {
    spdlog::info("witness follows {} ({} key(s))", log.origin, log.keys.size());
  }
  spdlog::info("signal {}: stopping", signals.Wait());
  (*service)->Stop();
  return kExitOk;
}

}  // namespace

void RegisterWitness(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<WitnessCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "witness",
      "Run a witness (C2SP tlog-witness): cosigns a log's checkpoint only if it extends the\n"
      "latest one it cosigned for that log, so a center cannot show different logs to different\n"
      "people. POST /add-checkpoint; GET /<sha256 of origin, hex>/checkpoint serves the latest\n"
      "cosigned checkpoint; GET /metrics. State is durable (SQLite, fsynced before answering).\n"
      "Prints its URL and verifier key (vkey) on stdout; SIGTERM/SIGINT stop it.");
  cmd->add_option("--key", o->key_file,
                  "The witness's private key (from `acta witness keygen`), or an Ed25519 key in a\n"
                  "PKCS#11 token named by an RFC 7512 URI (pkcs11:token=...;object=...); a wrong\n"
                  "PIN or a missing token or key stops the witness at start");
  cmd->add_option("--pin-file", o->pin_file,
                  "With --key pkcs11:...: file holding the token's user PIN (else the URI's\n"
                  "pin-source)");
  cmd->add_option("--name", o->name,
                  "With --key pkcs11:...: the name it cosigns as (default: the followed\n"
                  "manifests' witness with the token key's public key)");
  cmd->add_option("--state", o->state, "State database file (SQLite, created if missing)");
  cmd->add_option("--election", o->elections,
                  "Follow this election's log (directory with manifest.json, tables.bin,\n"
                  "manifest.sig): its origin and center keys. Repeatable");
  cmd->add_option("--log", o->logs,
                  "Follow a log given as ORIGIN=VKEY[,VKEY...] (signed-note Ed25519 keys). "
                  "Repeatable");
  cmd->add_option("--listen", o->listen, "Address(es), e.g. 0.0.0.0:7380")->capture_default_str();
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");

  auto k = std::make_shared<KeygenOptions>();
  CLI::App* keygen = cmd->add_subcommand(
      "keygen",
      "Create a witness key: Ed25519 for cosignature/v1 (signature type 0x04). Writes the\n"
      "private key file (mode 0600, never overwritten), or with --token generates the key pair\n"
      "inside a PKCS#11 token (the private key never exists in a file; run the witness with\n"
      "--key pkcs11:...), and prints the verifier key (vkey),\n"
      "<name>+<key id>+<base64(0x04 || public key)>, to list in a manifest's witnesses.");
  keygen->add_option("--name", k->name, "Key name, e.g. witness.party-a.example/1")->required();
  keygen->add_option("--out", k->out, "Private key file to create (or --token)");
  keygen->add_option("--public-out", k->public_out, "Also write the vkey to this file");
  keygen->add_option("--token", k->token,
                     "Generate the key in a PKCS#11 token instead, named by an RFC 7512 URI whose\n"
                     "object= labels it, e.g. pkcs11:token=witness;object=cosign. Refuses if the\n"
                     "token already has a key with that label");
  keygen->add_option("--pin-file", k->pin_file,
                     "With --token: file holding the token's user PIN (else the URI's pin-source)");
  keygen->callback([&run, k] { run = [k] { return RunWitnessKeygen(*k); }; });

  cmd->require_subcommand(0, 1);
  // `acta witness --config witness.toml` (cli/config_file.h).
  auto config = ConfigFile::Attach(*cmd, {"--key", "--state"});
  cmd->callback([&run, o, cmd, config] {
    if (cmd->got_subcommand("keygen")) return;
    run = [o, config] {
      if (auto exit = config->Resolve("witness")) return *exit;
      if (o->elections.empty() && o->logs.empty()) {
        std::fprintf(stderr, "acta witness: give --election DIR or --log ORIGIN=VKEY\n");
        return kExitUsage;
      }
      return RunWitness(*o);
    };
  });
}

}  // namespace acta::cli
