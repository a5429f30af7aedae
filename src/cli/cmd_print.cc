// `acta print`: the printable acta sheet (PDF or PNG) of a signed acta.
#include <cstdio>
#include <memory>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "cli/election_files.h"
#include "cli/sheet_file.h"
#include "core/acta_check.h"

namespace acta::cli {
namespace {

struct PrintOptions {
  std::string input;
  std::string election;
  SheetFileOptions sheet;
};

int RunPrint(const PrintOptions& o) {
  constexpr std::string_view kCmd = "print";
  auto manifest = LoadElection(o.election);
  if (!manifest) return ReportError(kCmd, manifest.error());
  auto acta = ReadActaInput(o.input);
  if (!acta) return ReportError(kCmd, acta.error());
  // Only a validly signed acta of this election gets a sheet: a printed
  // sheet is something people trust on sight.
  if (auto table = VerifyActa(*acta, *manifest); !table) return ReportError(kCmd, table.error());
  auto written = WriteSheetFiles(*acta, *manifest, o.sheet);
  if (!written) return ReportError(kCmd, written.error());
  for (const std::string& path : *written) std::printf("%s\n", path.c_str());
  return kExitOk;
}

}  // namespace

void RegisterPrint(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<PrintOptions>();
  CLI::App* cmd = app.add_subcommand(
      "print",
      "Print an acta's sheet: election, table and its regions, registered voters, ballots cast,\n"
      "every contest's counts, the QR code that carries the whole signed acta, its fingerprint\n"
      "(leaf hash) and how to check it. PDF (vector) or PNG pages; the acta is checked against\n"
      "the manifest first. Prints the paths written (PNG: one file per page, -2, -3...).");
  cmd->add_option("acta", o->input,
                  "The acta: binary file, QR text (or a file with it), or a photo of a sheet")
      ->required();
  cmd->add_option("--election", o->election, "Election directory")->required();
  cmd->add_option("--out", o->sheet.path, "Output file, ending in .pdf or .png")->required();
  cmd->add_option("--paper", o->sheet.paper, "Paper size: a4 or letter (default a4)");
  cmd->add_option("--dpi", o->sheet.dpi, "PNG resolution, 72..600 dots per inch (default 200)");
  cmd->callback([&run, o] { run = [o] { return RunPrint(*o); }; });
}

}  // namespace acta::cli
