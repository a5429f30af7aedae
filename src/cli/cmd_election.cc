// `acta election synth` and `acta election init`: make an election directory.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/cmd_election_cosign.h"
#include "cli/command.h"
#include "cli/table_printer.h"
#include "core/manifest_csv.h"
#include "log/manifest_signatures.h"
#include "sim/synth.h"

namespace acta::cli {
namespace {

struct SynthCliOptions {
  sim::SynthOptions synth;
  std::string out;
  std::string polls_close_from;
  std::string polls_close_to;
  std::vector<std::string> release_hashes;
};

struct InitOptions {
  std::string from;
  std::string out;
  std::vector<std::string> release_hashes;  // besides election.csv's release_hash rows
};

constexpr const char* kReleaseHashHelp =
    "SHA-256 (64 lowercase hex) of an acta executable that centers may run for this\n"
    "election (/usr/bin/acta of the release .deb: scripts/repro-check.sh prints it);\n"
    "repeat for more. A center whose own hash is not listed refuses to start";

void PrintSummary(const std::string& dir, const Manifest& m) {
  uint64_t voters = 0;
  for (const auto& t : m.tables) voters += t.registered;
  size_t by_level[5] = {};
  for (const auto& r : m.regions) by_level[static_cast<int>(r.level)]++;
  std::vector<std::pair<std::string, std::string>> rows;
  struct Rows {
    std::vector<std::pair<std::string, std::string>>& rows;
    void AddRow(std::vector<std::string> kv) { rows.emplace_back(kv[0], kv[1]); }
  } tp{rows};
  tp.AddRow({"election id", HexEncode(m.election_id)});
  tp.AddRow({"name", m.name});
  tp.AddRow({"tables", FormatCount(m.tables.size())});
  tp.AddRow({"registered voters", FormatCount(voters)});
  tp.AddRow({"states", FormatCount(by_level[1])});
  tp.AddRow({"municipalities", FormatCount(by_level[2])});
  tp.AddRow({"parishes", FormatCount(by_level[3])});
  tp.AddRow({"voting centers", FormatCount(by_level[4])});
  tp.AddRow({"contests", FormatCount(m.contests.size())});
  tp.AddRow({"polls close", FormatUtcTimestamp(m.polls_close_not_before) + " .. " +
                                FormatUtcTimestamp(m.polls_close_not_after)});
  tp.AddRow({"authority key", m.authority.ToString()});
  for (const auto& c : m.centers) tp.AddRow({"center key", c.ToString()});
  for (const auto& w : m.witnesses)
    tp.AddRow({"witness " + w.name, w.key.ToString() + " " + w.url});
  if (!m.witnesses.empty()) {
    tp.AddRow({"witness quorum",
               std::to_string(m.witness_quorum) + " of " + std::to_string(m.witnesses.size())});
  }
  for (const Hash256& h : m.release_hashes) tp.AddRow({"release hash", HexEncode(h)});
  tp.AddRow({"fingerprint", log::ManifestFingerprint(m)});
  std::printf("wrote %s\n", dir.c_str());
  for (const auto& [k, v] : rows) std::printf("  %-18s %s\n", k.c_str(), v.c_str());
}

int RunSynth(SynthCliOptions o) {
  if (!o.polls_close_from.empty()) {
    auto t = ParseUtcTimestamp(o.polls_close_from);
    if (!t) return ReportError("election synth", t.error());
    o.synth.polls_close_not_before = *t;
  }
  if (!o.polls_close_to.empty()) {
    auto t = ParseUtcTimestamp(o.polls_close_to);
    if (!t) return ReportError("election synth", t.error());
    o.synth.polls_close_not_after = *t;
  }
  // A malformed --release-hash is refused before the synthesis, not after it.
  Manifest scratch;
  if (auto st = AddReleaseHashes(scratch, o.release_hashes); !st)
    return ReportError("election synth", st.error());
  const auto start = std::chrono::steady_clock::now();
  std::string last_stage;
  auto progress = [&](std::string_view stage, uint64_t done, uint64_t total) {
    if (stage != last_stage && !last_stage.empty()) std::fprintf(stderr, "\n");
    if (!::isatty(2) && done != total) return;  // logs get one line per stage
    last_stage = std::string(stage);
    std::fprintf(stderr, "\r  %-8s %s / %s", std::string(stage).c_str(), FormatCount(done).c_str(),
                 FormatCount(total).c_str());
  };
  auto result = sim::SynthesizeElection(o.synth, progress);
  if (!last_stage.empty()) std::fprintf(stderr, "\n");
  if (!result) return ReportError("election synth", result.error());
  if (auto st = AddReleaseHashes(result->election.manifest, o.release_hashes); !st)
    return ReportError("election synth", st.error());
  if (auto st = sim::WriteElectionDir(o.out, *result); !st)
    return ReportError("election synth", st.error());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(o.out, result->election.manifest);
  std::printf("synthesized in %.1f s\n", secs);
  return kExitOk;
}

int RunInit(const InitOptions& o) {
  SystemRandom rng;
  auto material = BuildManifestFromCsv(o.from, rng);
  if (!material) return ReportError("election init", material.error());
  if (auto st = AddReleaseHashes(material->manifest, o.release_hashes); !st)
    return ReportError("election init", st.error());
  if (auto st = WriteElectionDir(o.out, *material); !st)
    return ReportError("election init", st.error());
  PrintSummary(o.out, material->manifest);
  // Say which center keys have no secret here, so that nobody looks for one.
  for (const VerifierKey& c : material->manifest.centers) {
    const bool generated =
        std::any_of(material->centers.begin(), material->centers.end(),
                    [&c](const NamedSigningKey& k) { return k.key.public_key() == c.key; });
    if (!generated) {
      std::printf("  %-18s %s (a vkey in election.csv: its private key is kept elsewhere)\n",
                  "no secret for", c.name.c_str());
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterElection(CLI::App& app, RunFn& run) {
  CLI::App* election = app.add_subcommand(
      "election", "Create an election directory (manifest, keys) and co-sign its manifest");
  election->require_subcommand(1);

  auto s = std::make_shared<SynthCliOptions>();
  CLI::App* synth = election->add_subcommand(
      "synth",
      "Synthesize a country-sized election: regions (state > municipality > parish > voting\n"
      "center), tables with registered voters and one machine key each, 2 contests, the signed\n"
      "manifest, the secrets (authority, center and transport keys, table keys) and the hidden\n"
      "truth (the counts each table will report) used by the simulator and the tests.");
  synth->add_option("--tables", s->synth.tables,
                    "Number of tables (default 30000, up to 1000000 and more)");
  synth->add_option("--seed", s->synth.seed,
                    "Seed: the same seed gives the same election (default 1)");
  synth->add_option("--out", s->out, "Directory to create")->required();
  synth->add_option("--name", s->synth.name, "Election name");
  synth->add_option("--centers", s->synth.centers, "Number of center keys (default 1)");
  synth->add_option(
      "--anomalies", s->synth.anomalies,
      "Tables whose truth is deliberately wrong (overvotes, sums that do not add up)");
  synth->add_option("--threads", s->synth.threads, "Threads for key generation (default 2)");
  synth->add_option("--witnesses", s->synth.witnesses,
                    "Witnesses to list, one per party (0..6; keys in secrets/witness-N.key,\n"
                    "placeholder URLs http://witness-N.synth.invalid; default 0)");
  synth->add_option("--witness-quorum", s->synth.witness_quorum,
                    "Cosignatures of the witnesses that readers require (1..--witnesses)");
  synth->add_option("--polls-close-from", s->polls_close_from,
                    "Start of the polls-close window, YYYY-MM-DDTHH:MM:SSZ");
  synth->add_option("--polls-close-to", s->polls_close_to,
                    "End of the polls-close window, YYYY-MM-DDTHH:MM:SSZ");
  synth->add_option("--release-hash", s->release_hashes, kReleaseHashHelp);
  synth->callback([&run, s] { run = [s] { return RunSynth(*s); }; });

  auto i = std::make_shared<InitOptions>();
  CLI::App* init = election->add_subcommand(
      "init",
      "Build an election directory from the CSV files an authority keeps: election.csv,\n"
      "regions.csv, tables.csv, contests.csv (see docs/FORMATS.md and examples/election/).\n"
      "Generates fresh authority, center and transport keys (and table keys when tables.csv\n"
      "leaves public_key empty). A center row may give a vkey instead of a key name (a key\n"
      "generated in a token by 'acta keygen --token'): it is listed as is, with no secret.");
  init->add_option("--from", i->from, "Directory with the CSV files")->required();
  init->add_option("--out", i->out, "Directory to create")->required();
  init->add_option("--release-hash", i->release_hashes,
                   std::string(kReleaseHashHelp) + " (besides election.csv's release_hash rows)");
  init->callback([&run, i] { run = [i] { return RunInit(*i); }; });

  RegisterElectionCosign(*election, run);
}

}  // namespace acta::cli
