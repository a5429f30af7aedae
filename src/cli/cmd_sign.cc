// `acta sign`: what a terminal does at close of polls.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/counts_file.h"
#include "cli/election_files.h"
#include "core/clock.h"
#include "core/file.h"

namespace acta::cli {
namespace {

struct SignOptions {
  std::string election;
  uint32_t table = 0;
  std::string counts;
  std::string key;
  std::string out;
  std::string closing_time;
  uint32_t correction = 0;
};

int RunSign(const SignOptions& o) {
  auto manifest = LoadElection(o.election);
  if (!manifest) return ReportError("sign", manifest.error());
  auto key = LoadTableKey(o.election, *manifest, o.table, o.key);
  if (!key) return ReportError("sign", key.error());
  auto counts_text = ReadTextFile(o.counts);
  if (!counts_text) return ReportError("sign", counts_text.error());
  auto body = ParseCountsFile(*counts_text, *manifest);
  if (!body) return ReportError("sign", Error{body.error().code, o.counts + ": " + body.error().message});
  body->election_id = manifest->election_id;
  body->table_id = o.table;
  body->correction = o.correction;
  if (o.closing_time.empty()) {
    body->closing_time = static_cast<uint64_t>(SystemClock().NowUnixSeconds());
  } else {
    auto t = ParseUtcTimestamp(o.closing_time);
    if (!t) return ReportError("sign", Error{t.error().code, "--closing-time: " + t.error().message});
    body->closing_time = *t;
  }
  auto acta = SignActa(*body, *key);
  if (!acta) return ReportError("sign", acta.error());
  std::string out = o.out.empty() ? "acta-" + std::to_string(o.table) + ".bin" : o.out;
  if (auto st = WriteFileAtomic(out, acta->bytes); !st) return ReportError("sign", st.error());
  std::fprintf(stderr, "wrote %s (%zu bytes, leaf %s)\n", out.c_str(), acta->bytes.size(),
               HexEncode(acta->LeafHash()).c_str());
  std::printf("%s\n", ActaToText(*acta).c_str());
  return kExitOk;
}

}  // namespace

void RegisterSign(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sign",
      "Sign a table's acta at close of polls, as its terminal does: reads the counts file, writes\n"
      "the binary acta and prints its QR text (ACTA1:...).");
  cmd->add_option("--election", o->election, "Election directory (manifest.json, tables.bin, manifest.sig)")
      ->required();
  cmd->add_option("--table", o->table, "Table id")->required();
  cmd->add_option("--counts", o->counts,
                  "Counts file (JSON): {\"ballots_cast\": N, \"contests\": {\"<contest id>\": "
                  "{\"votes\": {\"<candidate id>\": N, ...}, \"blank\": N, \"null\": N}}}")
      ->required();
  cmd->add_option("--key", o->key,
                  "The table's signer key file (PRIVATE+KEY+...); default: the election's "
                  "secrets/table-keys.bin");
  cmd->add_option("--out", o->out, "Where to write the binary acta (default: acta-<table>.bin)");
  cmd->add_option("--closing-time", o->closing_time,
                  "Polls-close time, YYYY-MM-DDTHH:MM:SSZ (default: now)");
  cmd->add_option("--correction", o->correction, "Correction sequence number (default 0)");
  cmd->callback([&run, o] { run = [o] { return RunSign(*o); }; });
}

}  // namespace acta::cli
