// `acta terminal send`: what a polling-table terminal does after signing:
// queue the acta durably, print it as a QR code, and send it to the centers
// until one of them gives a receipt that verifies. Killed at any moment and
// run again, it resumes from the queue and sends exactly the same bytes.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "cli/election_files.h"
#include "core/acta_check.h"
#include "core/election_secrets.h"
#include "core/file.h"
#include "terminal/http_transport.h"
#include "terminal/outbox.h"
#include "terminal/qr.h"

namespace acta::cli {
namespace {

struct TerminalSendOptions {
  std::string election;
  std::string trust;
  uint32_t table = 0;
  std::string acta;
  std::vector<std::string> centers;
  std::string queue;
  std::string transport_key;
  std::string qr_png;
  bool no_qr = false;
  double deadline_seconds = 0;
  double request_timeout_seconds = 15;
  double backoff_base_seconds = 1;
  double backoff_cap_seconds = 60;
  std::string ca_file;
  bool quiet = false;
};

Status PrintQr(const Acta& acta, const TerminalSendOptions& o) {
  auto code = qr::Encode(ActaToText(acta));
  if (!code) return std::unexpected(code.error());
  if (!o.no_qr) std::fprintf(stderr, "%s", qr::ToTerminalArt(*code).c_str());
  if (!o.qr_png.empty()) {
    auto png = qr::EncodePng(qr::Render(*code));
    if (!png) return std::unexpected(png.error());
    ACTA_RETURN_IF_ERROR(WriteFileAtomic(o.qr_png, *png));
  }
  return Ok();
}

int RunTerminalSend(const TerminalSendOptions& o) {
  constexpr std::string_view kCmd = "terminal send";
  auto manifest = LoadElection(o.election, "", o.trust);
  if (!manifest) return ReportError(kCmd, manifest.error());
  auto acta = ReadActaInput(o.acta);
  if (!acta) return ReportError(kCmd, acta.error());
  auto table = VerifyActa(*acta, *manifest);
  if (!table) return ReportError(kCmd, table.error());
  if (acta->body.table_id != o.table) {
    return ReportError(kCmd,
                       Error{ErrorCode::kInvalidArgument, "--table " + std::to_string(o.table) +
                                                              " but the acta is of table " +
                                                              std::to_string(acta->body.table_id)});
  }
  const std::string key_path =
      o.transport_key.empty()
          ? (std::filesystem::path(o.election) / "secrets" / "transport.key").string()
          : o.transport_key;
  auto master = LoadTransportKeyFile(key_path);
  if (!master) return ReportError(kCmd, master.error());
  const std::string key_id = TransportKeyId(*master);
  if ((*table)->transport_key >= manifest->transport_key_ids.size() ||
      manifest->transport_key_ids[(*table)->transport_key] != key_id) {
    return ReportError(
        kCmd, Error{ErrorCode::kInvalidArgument, key_path + ": transport key " + key_id +
                                                     " is not the one of table " +
                                                     std::to_string(o.table) + " in the manifest"});
  }
  if (auto st = PrintQr(*acta, o); !st) return ReportError(kCmd, st.error());

  auto queue = terminal::DurableQueue::Open(o.queue);
  if (!queue) return ReportError(kCmd, queue.error());
  int exit_code = kExitOk;
  auto added = queue->Enqueue(*acta);
  if (!added) {
    // The queued acta is still delivered below; this one never is.
    ReportError(kCmd, added.error());
    exit_code = kExitFailure;
  } else if (!*added && !o.quiet) {
    std::fprintf(stderr, "acta %s was already queued (resuming)\n",
                 terminal::DurableQueue::NameOf(acta->body).c_str());
  }

  terminal::HttpTransportOptions to;
  to.center_urls = o.centers;
  to.request_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(o.request_timeout_seconds * 1000));
  to.connect_timeout = std::min(to.request_timeout, std::chrono::milliseconds(5'000));
  to.ca_file = o.ca_file;
  auto transport = terminal::HttpTransport::Create(to);
  if (!transport) return ReportError(kCmd, transport.error());

  const TransportKey master_key = *master;
  terminal::MacFn mac_for = [master_key](const Acta& a) {
    return std::optional<Mac>(ComputeMac(DeriveTransportKey(master_key, a.body.table_id), a.bytes));
  };
  SystemClock clock;
  SystemRandom rng;
  terminal::DrainOptions d;
  d.transmitter.backoff.base =
      std::chrono::milliseconds(static_cast<int64_t>(o.backoff_base_seconds * 1000));
  d.transmitter.backoff.cap =
      std::chrono::milliseconds(static_cast<int64_t>(o.backoff_cap_seconds * 1000));
  if (o.deadline_seconds > 0) {
    d.deadline = clock.SteadyNow() +
                 std::chrono::milliseconds(static_cast<int64_t>(o.deadline_seconds * 1000));
  }
  terminal::Transport& tr = **transport;
  d.on_attempt = [&](const terminal::QueueItem& item, const terminal::AttemptReport& r) {
    if (o.quiet) return;
    std::fprintf(stderr, "%s -> %s: %s%s%s\n", item.name.c_str(), tr.CenterName(r.center).c_str(),
                 std::string(terminal::AttemptKindName(r.kind)).c_str(),
                 r.detail.empty() ? "" : ": ", r.detail.c_str());
  };
  d.on_delivered = [&](const terminal::QueueItem& item, const terminal::Delivery& del) {
    std::printf("delivered %s to %s (HTTP %d%s): receipt %s\n", item.name.c_str(),
                tr.CenterName(del.center).c_str(), del.http_status,
                del.conflict ? ", CONFLICT: the center holds a different acta for this table" : "",
                Base64Encode(del.receipt_bytes).c_str());
    std::fflush(stdout);
  };
  auto sleep_until = [](terminal::SteadyTime t) { std::this_thread::sleep_until(t); };
  auto result = terminal::DrainQueue(*queue, *manifest, mac_for, tr, rng, clock, sleep_until, d);
  if (!result) return ReportError(kCmd, result.error());
  if (auto receipt = queue->ReceiptFor(*acta); receipt && *receipt && result->delivered == 0) {
    std::printf("already delivered %s: receipt %s\n",
                terminal::DurableQueue::NameOf(acta->body).c_str(),
                Base64Encode(**receipt).c_str());
  }
  return result->conflicts > 0 ? kExitFailure : exit_code;
}

}  // namespace

void RegisterTerminal(CLI::App& app, RunFn& run) {
  CLI::App* terminal =
      app.add_subcommand("terminal", "What a polling-table terminal does with its signed acta.");
  terminal->require_subcommand(1);
  auto o = std::make_shared<TerminalSendOptions>();
  CLI::App* cmd = terminal->add_subcommand(
      "send",
      "Queue the acta durably, print it as a QR code, and send it to the centers (failing over,\n"
      "with exponential backoff and jitter, honouring Retry-After) until one gives a receipt\n"
      "that verifies against the manifest. Safe to kill and run again: it resumes from the\n"
      "queue and never sends a different acta for the same table.");
  cmd->add_option("--election", o->election, "Election directory")->required();
  cmd->add_option("--trust", o->trust,
                  "Trust file: the manifest signers this reader trusts and how many must have\n"
                  "signed (quorum K, signer VKEY lines); default: the manifest's authority alone");
  cmd->add_option("--table", o->table, "Table id")->required();
  cmd->add_option("--acta", o->acta,
                  "The signed acta: binary file, QR text file or text, or a PNG photo")
      ->required();
  cmd->add_option("--center", o->centers,
                  "Center ingest URL (repeat for backup centers, tried in order)")
      ->required();
  cmd->add_option("--queue", o->queue,
                  "The terminal's queue directory (keeps actas until they hold a receipt)")
      ->required();
  cmd->add_option("--transport-key", o->transport_key,
                  "Transport master key file (default: the election's secrets/transport.key)");
  cmd->add_option("--qr-png", o->qr_png, "Also write the acta's QR code as a PNG file");
  cmd->add_flag("--no-qr", o->no_qr, "Do not print the QR code on stderr");
  cmd->add_option(
      "--deadline", o->deadline_seconds,
      "Give up after this many seconds (exit 1; the acta stays queued). Default: never");
  cmd->add_option("--timeout", o->request_timeout_seconds,
                  "Per-request timeout in seconds (default 15)");
  cmd->add_option("--backoff-base", o->backoff_base_seconds, "Backoff base in seconds (default 1)");
  cmd->add_option("--backoff-cap", o->backoff_cap_seconds, "Backoff cap in seconds (default 60)");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA file for https centers");
  cmd->add_flag("--quiet", o->quiet, "Only print the outcome");
  cmd->callback([&run, o] { run = [o] { return RunTerminalSend(*o); }; });
}

}  // namespace acta::cli
