// `acta inspect`: decode and check one acta offline.
#include <cstdio>
#include <memory>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "cli/counts_file.h"
#include "cli/election_files.h"
#include "cli/table_printer.h"
#include "core/acta_check.h"

namespace acta::cli {
namespace {

struct InspectOptions {
  std::string input;
  std::string election;
  std::string trust;
  bool json = false;
};

// Problems a validly signed acta can still have (the center flags them).
std::vector<std::string> ActaFlags(const ActaBody& b, const Manifest& m, const TableRecord& t) {
  std::vector<std::string> flags;
  if (b.ballots_cast > t.registered) {
    flags.push_back("overvote: " + std::to_string(b.ballots_cast) + " ballots cast, " +
                    std::to_string(t.registered) + " registered voters");
  }
  for (size_t i = 0; i < b.contests.size(); ++i) {
    if (b.contests[i].Total() != b.ballots_cast) {
      flags.push_back("sum_mismatch: contest " + m.contests[i].id + " adds up to " +
                      std::to_string(b.contests[i].Total()) + ", ballots cast " +
                      std::to_string(b.ballots_cast));
    }
  }
  if (b.closing_time < m.polls_close_not_before || b.closing_time > m.polls_close_not_after) {
    flags.push_back("outside_window: closing time " + FormatUtcTimestamp(b.closing_time) +
                    " is outside " + FormatUtcTimestamp(m.polls_close_not_before) + " .. " +
                    FormatUtcTimestamp(m.polls_close_not_after));
  }
  return flags;
}

int RunInspect(const InspectOptions& o) {
  auto manifest = LoadElection(o.election, "", o.trust);
  if (!manifest) return ReportError("inspect", manifest.error());
  auto acta = ReadActaInput(o.input);
  if (!acta) return ReportError("inspect", acta.error());
  auto table = VerifyActa(*acta, *manifest);
  if (!table) return ReportError("inspect", table.error());
  const ActaBody& b = acta->body;
  if (o.json) {
    std::printf("%s", CountsToJson(b, *manifest).c_str());
  } else {
    const Region& center = manifest->regions[(*table)->region];
    std::printf("acta of table %u  (%s, %s)\n", b.table_id, center.code.c_str(),
                center.name.c_str());
    std::printf("  signature      valid (machine key of table %u)\n", b.table_id);
    std::printf("  election       %s\n", HexEncode(b.election_id).c_str());
    std::printf("  closing time   %s\n", FormatUtcTimestamp(b.closing_time).c_str());
    std::printf("  correction     %u\n", b.correction);
    std::printf("  ballots cast   %s of %s registered\n", FormatCount(b.ballots_cast).c_str(),
                FormatCount((*table)->registered).c_str());
    std::printf("  leaf hash      %s\n\n", HexEncode(acta->LeafHash()).c_str());
    for (size_t i = 0; i < b.contests.size(); ++i) {
      const Contest& contest = manifest->contests[i];
      std::printf("%s (%s)\n", contest.name.c_str(), contest.id.c_str());
      TablePrinter tp({"candidate", "party", "votes"});
      for (size_t k = 0; k < contest.candidates.size(); ++k) {
        tp.AddRow({contest.candidates[k].name, contest.candidates[k].party,
                   FormatCount(b.contests[i].candidates[k])});
      }
      tp.AddRow({"blank", "", FormatCount(b.contests[i].blank)});
      tp.AddRow({"null", "", FormatCount(b.contests[i].null_votes)});
      std::printf("%s\n", tp.Render().c_str());
    }
  }
  auto flags = ActaFlags(b, *manifest, **table);
  for (const auto& f : flags) std::fprintf(stderr, "acta inspect: flag: %s\n", f.c_str());
  return flags.empty() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterInspect(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Decode and check one acta offline: its encoding, its election, its table and its\n"
      "signature against the manifest. Prints the acta as a table. Exits 1 with the reason if\n"
      "anything is wrong, including a validly signed acta whose numbers do not add up.");
  cmd->add_option(
         "acta", o->input,
         "The acta: a binary acta file, a file with its QR text, the QR text (ACTA1:...), or "
         "a\nphoto or scan of the printed sheet (JPEG, PNG or WebP; EXIF rotation honoured)")
      ->required();
  cmd->add_option("--election", o->election, "Election directory")->required();
  cmd->add_option("--trust", o->trust,
                  "Trust file: the manifest signers this reader trusts and how many must have\n"
                  "signed (quorum K, signer VKEY lines); default: the manifest's authority alone");
  cmd->add_flag("--json", o->json,
                "Print the counts as JSON (the counts-file format of acta sign)");
  cmd->callback([&run, o] { run = [o] { return RunInspect(*o); }; });
}

}  // namespace acta::cli
