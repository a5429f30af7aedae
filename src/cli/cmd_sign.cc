// `acta sign`: what a terminal does at close of polls.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/counts_file.h"
#include "cli/election_files.h"
#include "cli/sheet_file.h"
#include "core/clock.h"
#include "core/file.h"
#include "terminal/qr.h"

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
  std::string qr_png;
  bool qr_art = false;
  bool no_qr_png = false;
  SheetFileOptions sheet;
};

// The QR code printed on the tally sheet: PNG beside the acta, and as
// terminal art when asked (or when stderr is a terminal).
Status WriteQr(const Acta& acta, const std::string& png_path, bool art) {
  auto code = qr::Encode(ActaToText(acta));
  if (!code) return std::unexpected(code.error());
  if (art) std::fprintf(stderr, "%s", qr::ToTerminalArt(*code).c_str());
  if (png_path.empty()) return Ok();
  auto png = qr::EncodePng(qr::Render(*code));
  if (!png) return std::unexpected(png.error());
  return WriteFileAtomic(png_path, *png);
}

int RunSign(const SignOptions& o) {
  auto manifest = LoadElection(o.election);
  if (!manifest) return ReportError("sign", manifest.error());
  auto key = LoadTableKey(o.election, *manifest, o.table, o.key);
  if (!key) return ReportError("sign", key.error());
  auto counts_text = ReadTextFile(o.counts);
  if (!counts_text) return ReportError("sign", counts_text.error());
  auto body = ParseCountsFile(*counts_text, *manifest);
  if (!body)
    return ReportError("sign", Error{body.error().code, o.counts + ": " + body.error().message});
  body->election_id = manifest->election_id;
  body->table_id = o.table;
  body->correction = o.correction;
  if (o.closing_time.empty()) {
    body->closing_time = static_cast<uint64_t>(SystemClock().NowUnixSeconds());
  } else {
    auto t = ParseUtcTimestamp(o.closing_time);
    if (!t)
      return ReportError("sign", Error{t.error().code, "--closing-time: " + t.error().message});
    body->closing_time = *t;
  }
  auto acta = SignActa(*body, *key);
  if (!acta) return ReportError("sign", acta.error());
  std::string out = o.out.empty() ? "acta-" + std::to_string(o.table) + ".bin" : o.out;
  if (auto st = WriteFileAtomic(out, acta->bytes); !st) return ReportError("sign", st.error());
  std::fprintf(stderr, "wrote %s (%zu bytes, leaf %s)\n", out.c_str(), acta->bytes.size(),
               HexEncode(acta->LeafHash()).c_str());
  std::string png = o.qr_png;
  if (png.empty() && !o.no_qr_png) {
    png = out.ends_with(".bin") ? out.substr(0, out.size() - 4) + ".png" : out + ".png";
  }
  if (auto st = WriteQr(*acta, o.no_qr_png ? "" : png, o.qr_art || isatty(STDERR_FILENO)); !st) {
    return ReportError("sign", st.error());
  }
  if (!o.no_qr_png) std::fprintf(stderr, "wrote %s (QR code of the acta)\n", png.c_str());
  if (!o.sheet.path.empty()) {
    auto written = WriteSheetFiles(*acta, *manifest, o.sheet);
    if (!written) return ReportError("sign", written.error());
    for (const auto& path : *written)
      std::fprintf(stderr, "wrote %s (printable sheet)\n", path.c_str());
  }
  std::printf("%s\n", ActaToText(*acta).c_str());
  return kExitOk;
}

}  // namespace

void RegisterSign(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sign",
      "Sign a table's acta at close of polls, as its terminal does: reads the counts file, writes\n"
      "the binary acta and prints its QR text (ACTA1:...); --sheet also writes the printable "
      "sheet.");
  cmd->add_option("--election", o->election,
                  "Election directory (manifest.json, tables.bin, manifest.sig)")
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
  cmd->add_option("--qr-png", o->qr_png,
                  "Where to write the QR code PNG (default: the --out path with .png)");
  cmd->add_flag("--no-qr-png", o->no_qr_png, "Do not write the QR code PNG");
  cmd->add_option("--sheet", o->sheet.path,
                  "Also write the printable sheet (as `acta print`), a .pdf or .png file");
  cmd->add_option("--paper", o->sheet.paper, "Sheet paper size: a4 or letter (default a4)");
  cmd->add_flag("--qr-art", o->qr_art,
                "Print the QR code on stderr (default: when stderr is a terminal)");
  cmd->callback([&run, o] { run = [o] { return RunSign(*o); }; });
}

}  // namespace acta::cli
