// `acta election cosign`: one signer of a key ceremony adds its signature to
// the manifest's signed note (log/manifest_signatures.h). The signer first
// sees the manifest's fingerprint, compares it with the one read aloud, and
// signs only when told the same fingerprint back (--fingerprint), so that
// nobody signs a manifest swapped on the way to their machine.
#include "cli/cmd_election_cosign.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/file.h"
#include "core/keys.h"
#include "log/manifest_signatures.h"
#include "log/note.h"

namespace acta::cli {
namespace {

struct CosignOptions {
  std::string election;
  std::string key;
  std::string fingerprint;
};

int RunCosign(const CosignOptions& o) {
  // The manifest as it stands, signatures not judged: a ceremony starts from
  // the authority's one-line signature, and readers check the result.
  auto read = log::ReadUnverifiedManifest(o.election);
  if (!read) return ReportError("election cosign", read.error());
  const Manifest* manifest = &read->manifest;
  const std::string fingerprint = log::ManifestFingerprint(*manifest);
  std::printf("manifest  %s\nelection  %s\nid        %s\nfingerprint  %s\n", o.election.c_str(),
              manifest->name.c_str(), HexEncode(manifest->election_id).c_str(),
              fingerprint.c_str());
  if (o.fingerprint.empty()) {
    std::fprintf(stderr,
                 "acta election cosign: compare the fingerprint with the one read aloud, then run "
                 "again with --fingerprint %s to sign\n",
                 fingerprint.c_str());
    return kExitUsage;
  }
  if (o.fingerprint != fingerprint) {
    return ReportError("election cosign",
                       Error{ErrorCode::kWrongElection,
                             "--fingerprint " + o.fingerprint + " is not this manifest's (" +
                                 fingerprint + "): do not sign; this is another manifest"});
  }
  auto key = LoadSigningKeyFile(o.key);
  if (!key) return ReportError("election cosign", key.error());
  const std::string sig_path = (std::filesystem::path(o.election) / "manifest.sig").string();
  auto note = log::CosignManifest(*manifest, read->sig_text, *key);
  if (!note) return ReportError("election cosign", note.error());
  if (auto st = WriteFileAtomic(sig_path, *note); !st) {
    return ReportError("election cosign", st.error());
  }
  auto parsed = log::ParseNote(*note);
  std::printf("signed by %s; manifest.sig now holds %zu signature(s):\n",
              key->verifier().ToString().c_str(), parsed ? parsed->signatures.size() : 0);
  if (parsed) {
    for (const auto& s : parsed->signatures) std::printf("  %s\n", s.name.c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterElectionCosign(CLI::App& election, RunFn& run) {
  auto o = std::make_shared<CosignOptions>();
  CLI::App* cmd = election.add_subcommand(
      "cosign",
      "Add one signer's signature to the manifest (a key ceremony: the authority and the\n"
      "parties' or observers' representatives each sign; readers pin the signers they trust\n"
      "and a quorum with --trust). Prints the manifest's fingerprint; signs only when\n"
      "--fingerprint repeats it (read it aloud and compare). manifest.sig becomes a signed\n"
      "note with one signature per signer; signing again replaces your earlier signature.");
  cmd->add_option("--election", o->election, "Election directory")->required();
  cmd->add_option("--key", o->key, "Your signing key file (from `acta keygen`)")->required();
  cmd->add_option("--fingerprint", o->fingerprint,
                  "The fingerprint you compared, e.g. BB84-D4B9-C306-470E-352A-D344-DFE9-F860");
  cmd->callback([&run, o] { run = [o] { return RunCosign(*o); }; });
}

}  // namespace acta::cli
