// `acta submit --public`: an observer hands in an acta it photographed or
// copied, through the public lane (no transport MAC: the signature decides,
// under the center's public-lane budget). The receipt is checked against
// the manifest like a terminal checks it.
#include <cstdio>
#include <memory>
#include <thread>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "cli/election_files.h"
#include "core/acta_check.h"
#include "terminal/http_transport.h"
#include "terminal/transmitter.h"

namespace acta::cli {
namespace {

struct SubmitOptions {
  bool is_public = false;
  std::vector<std::string> centers;
  std::string election;
  std::string input;
  double deadline_seconds = 60;
  std::string ca_file;
};

int RunSubmit(const SubmitOptions& o) {
  constexpr std::string_view kCmd = "submit";
  if (!o.is_public) {
    return ReportError(kCmd,
                       Error{ErrorCode::kInvalidArgument,
                             "observers submit with --public; terminals use `acta terminal send`"});
  }
  auto manifest = LoadElection(o.election);
  if (!manifest) return ReportError(kCmd, manifest.error());
  auto acta = ReadActaInput(o.input);
  if (!acta) return ReportError(kCmd, acta.error());
  // Checked offline first: a center would refuse it anyway.
  if (auto table = VerifyActa(*acta, *manifest); !table) return ReportError(kCmd, table.error());
  terminal::HttpTransportOptions to;
  to.center_urls = o.centers;
  to.ca_file = o.ca_file;
  auto transport = terminal::HttpTransport::Create(to);
  if (!transport) return ReportError(kCmd, transport.error());
  terminal::TransmitterOptions topt;
  topt.backoff =
      terminal::BackoffPolicy{std::chrono::milliseconds(1'000), std::chrono::milliseconds(15'000),
                              std::chrono::milliseconds(100)};
  terminal::Transmitter t(*manifest, *acta, std::nullopt, (*transport)->center_count(), topt);
  SystemClock clock;
  SystemRandom rng;
  terminal::Transport& tr = **transport;
  auto result = terminal::SendUntilDone(
      t, tr, rng, clock, [](terminal::SteadyTime when) { std::this_thread::sleep_until(when); },
      [&](const terminal::AttemptReport& r) {
        if (r.kind != terminal::AttemptReport::Kind::kDelivered) {
          std::fprintf(stderr, "%s: %s%s%s\n", tr.CenterName(r.center).c_str(),
                       std::string(terminal::AttemptKindName(r.kind)).c_str(),
                       r.detail.empty() ? "" : ": ", r.detail.c_str());
        }
      },
      clock.SteadyNow() +
          std::chrono::milliseconds(static_cast<int64_t>(o.deadline_seconds * 1000)));
  if (!result) return ReportError(kCmd, result.error());
  std::printf("%s acta of table %u at %s (HTTP %d)\nreceipt %s\n",
              result->http_status == 201   ? "accepted"
              : result->http_status == 200 ? "already had the"
                                           : "CONFLICT: the center holds a different",
              acta->body.table_id, tr.CenterName(result->center).c_str(), result->http_status,
              Base64Encode(result->receipt_bytes).c_str());
  return result->conflict ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterSubmit(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<SubmitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "submit",
      "Submit an acta as an observer through the public lane: from its binary file, its QR\n"
      "text (ACTA1:...) or a photo of the printed sheet (JPEG, PNG or WebP). Checks it offline\n"
      "first, then checks the center's receipt against the manifest. Exit 1 on refusal or\n"
      "conflict.");
  cmd->add_flag("--public", o->is_public, "Use the public (observer) lane (required)");
  cmd->add_option("--center", o->centers, "Center ingest URL (repeat to fail over)")->required();
  cmd->add_option("--election", o->election,
                  "Election directory (manifest) to check the acta and the receipt")
      ->required();
  cmd->add_option(
         "input", o->input,
         "Binary acta, QR text (or a file with it), or a photo of the sheet (JPEG, PNG, WebP)")
      ->required();
  cmd->add_option("--deadline", o->deadline_seconds,
                  "Give up after this many seconds (default 60)");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA file for https centers");
  cmd->callback([&run, o] { run = [o] { return RunSubmit(*o); }; });
}

}  // namespace acta::cli
