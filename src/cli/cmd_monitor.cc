// `acta monitor`: follows a center's (or a mirror's) log all night and
// raises an alarm within seconds of a fork, a rollback, a receipted acta
// that never enters the log, a bulletin that does not match its
// checkpoint, or a conflict (verify/monitor.h). One JSON object per line
// on stdout; Prometheus metrics in a text file; a command run per alarm.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "core/clock.h"
#include "core/file.h"
#include "log/checkpoint.h"
#include "terminal/http_client.h"
#include "verify/log_source.h"
#include "verify/monitor.h"
#include "verify/witness_reader.h"

namespace acta::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct MonitorCliOptions {
  std::string center;
  std::string mirror;
  std::string state;
  std::string authority;
  std::string election_id;
  std::string receipts;
  std::string on_alarm;
  std::string metrics_file;
  std::string ca_file;
  double merge_delay_s = 60;
  unsigned poll_ms = 500;
  unsigned max_backoff_ms = 10'000;
  unsigned bulletin_interval_ms = 0;
  double witness_grace_s = 30;
  std::vector<std::string> witness_urls;  // NAME=URL
  double duration_s = 0;
  bool no_bulletins = false;
  bool once = false;
};

// Runs `command` through /bin/sh with the alarm in the environment, without
// waiting: a slow or hanging command never stalls the monitor.
void RunAlarmCommand(const std::string& command, const nlohmann::json& alarm) {
  const pid_t pid = ::fork();
  if (pid != 0) return;  // parent (or fork failure: the alarm is on stdout anyway)
  ::setenv("ACTA_ALARM", alarm.dump().c_str(), 1);
  ::setenv("ACTA_ALARM_KIND", alarm.value("kind", "").c_str(), 1);
  ::setenv("ACTA_EVIDENCE_DIR", alarm.value("evidence", "").c_str(), 1);
  ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  ::_exit(127);
}

std::string MetricsText(const verify::MonitorStats& s, bool up) {
  auto line = [](const char* name, const char* help, const char* type, double v) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type,
                  name, v);
    return std::string(buf);
  };
  std::string out;
  out += line("acta_monitor_source_up", "1 when the last poll got an answer", "gauge", up);
  out += line("acta_monitor_log_size", "Size of the latest checkpoint verified", "gauge",
              static_cast<double>(s.size));
  out += line("acta_monitor_checkpoints_verified_total", "Checkpoints verified", "counter",
              static_cast<double>(s.checkpoints_verified));
  out += line("acta_monitor_entries_verified_total", "Log entries verified", "counter",
              static_cast<double>(s.entries_verified));
  out += line("acta_monitor_entries_invalid_total", "Log entries that are not valid actas",
              "counter", static_cast<double>(s.entries_invalid));
  out += line("acta_monitor_conflicts_total", "Tables with two different signed actas", "counter",
              static_cast<double>(s.conflicts));
  out += line("acta_monitor_bulletins_checked_total", "Bulletins compared with the log", "counter",
              static_cast<double>(s.bulletins_checked));
  out += line("acta_monitor_alarms_total", "Alarms raised (fork, rollback, ...)", "counter",
              static_cast<double>(s.alarms));
  out += line("acta_monitor_unavailable_total", "Polls the source did not answer", "counter",
              static_cast<double>(s.unavailable));
  out += line("acta_monitor_receipts_pending", "Receipted actas not yet in the log", "gauge",
              static_cast<double>(s.receipts_pending));
  out += line("acta_monitor_receipts_missing_total",
              "Receipted actas still missing after the merge delay", "counter",
              static_cast<double>(s.receipts_missing));
  out += line("acta_monitor_checkpoints_cosigned_total",
              "Checkpoints seen with the manifest's witness quorum", "counter",
              static_cast<double>(s.checkpoints_cosigned));
  out += line("acta_monitor_lag_ms", "Publication-to-verdict lag of the last checkpoint", "gauge",
              s.lags_ms.empty() ? 0.0 : s.lags_ms.back());
  return out;
}

int RunMonitor(const MonitorCliOptions& o) {
  if (o.center.empty() == o.mirror.empty()) {
    std::fprintf(stderr, "acta monitor: give exactly one of --center URL or --mirror URL\n");
    return kExitUsage;
  }
  http::HttpClientOptions co;
  co.base_url = o.center.empty() ? o.mirror : o.center;
  co.ca_file = o.ca_file;
  co.request_timeout = std::chrono::milliseconds(30'000);
  co.max_response_bytes = 256 * 1024 * 1024;
  auto client = http::HttpClient::Create(co);
  if (!client) return ReportError("monitor", client.error());
  verify::HttpLogSource source(**client, !o.mirror.empty());

  verify::MonitorOptions mo;
  mo.state_dir = o.state;
  mo.source_is_mirror = !o.mirror.empty();
  mo.receipts_dir = o.receipts;
  mo.merge_delay = std::chrono::milliseconds(static_cast<int64_t>(o.merge_delay_s * 1000));
  mo.check_bulletins = !o.no_bulletins;
  mo.bulletin_interval = std::chrono::milliseconds(o.bulletin_interval_ms);
  mo.witness_grace = std::chrono::milliseconds(static_cast<int64_t>(o.witness_grace_s * 1000));
  // Asked only to explain a quorum alarm; the origin is known once the
  // manifest is (set below, after Open).
  std::unique_ptr<verify::WitnessReader> witnesses;
  std::map<std::string, std::string> witness_urls;
  for (const auto& flag : o.witness_urls) {
    const size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ReportError("monitor",
                         {ErrorCode::kInvalidArgument, "--witness-url must be NAME=URL"});
    }
    witness_urls[flag.substr(0, eq)] = flag.substr(eq + 1);
  }
  mo.witness_checkpoint = [&witnesses,
                           &witness_urls](const ManifestWitness& w) -> Result<std::string> {
    if (!witnesses) return MakeError(ErrorCode::kUnavailable, "no manifest yet");
    ManifestWitness at = w;
    if (auto it = witness_urls.find(w.name); it != witness_urls.end()) at.url = it->second;
    return witnesses->Latest(at);
  };
  if (!o.authority.empty()) {
    auto key = VerifierKey::Parse(o.authority);
    if (!key) key = LoadVerifierKeyFile(o.authority);
    if (!key) return ReportError("monitor", key.error());
    mo.pinned_authority = *key;
  }
  if (!o.election_id.empty()) {
    auto id = HexDecodeFixed<32>(o.election_id);
    if (!id)
      return ReportError("monitor",
                         {ErrorCode::kInvalidArgument, "--election-id must be 64 hex digits"});
    mo.expected_election_id = *id;
  }

  SystemClock clock;
  auto sink = [&o](const nlohmann::json& event) {
    std::printf("%s\n", event.dump().c_str());
    std::fflush(stdout);
    if (!o.on_alarm.empty() && event.value("event", "") == "alarm")
      RunAlarmCommand(o.on_alarm, event);
  };
  // The first connection may find the center not yet up: unavailability,
  // retried with backoff, until the duration ends or a signal comes.
  ::signal(SIGINT, OnSignal);
  ::signal(SIGTERM, OnSignal);
  const auto start = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return g_stop || (o.duration_s > 0 && std::chrono::steady_clock::now() - start >=
                                              std::chrono::duration<double>(o.duration_s));
  };
  std::unique_ptr<verify::Monitor> monitor;
  unsigned backoff = o.poll_ms;
  while (!monitor) {
    auto opened = verify::Monitor::Open(source, mo, clock, sink);
    if (opened) {
      monitor = std::move(*opened);
      break;
    }
    const ErrorCode c = opened.error().code;
    if ((c != ErrorCode::kUnavailable && c != ErrorCode::kNotFound) || o.once || out_of_time())
      return ReportError("monitor", opened.error());
    sink({{"event", "unavailable"}, {"what", "manifest"}, {"error", opened.error().message}});
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    backoff = std::min(backoff * 2, o.max_backoff_ms);
  }
  witnesses = std::make_unique<verify::WitnessReader>(
      log::LogOrigin(monitor->manifest().election_id), o.ca_file);
  backoff = o.poll_ms;
  while (true) {
    const Status polled = monitor->Poll();
    backoff = polled ? o.poll_ms : std::min(backoff * 2, o.max_backoff_ms);
    if (!o.metrics_file.empty())
      (void)WriteFileAtomic(o.metrics_file, MetricsText(monitor->stats(), polled.has_value()));
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (o.once || out_of_time()) break;
    // Sleep in small steps so a signal ends the wait promptly.
    for (unsigned slept = 0; slept < backoff && !g_stop; slept += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50u, backoff - slept)));
  }
  const verify::MonitorStats& s = monitor->stats();
  std::fprintf(stderr,
               "acta monitor: size %llu, %llu checkpoints and %llu entries verified, %llu "
               "bulletins compared, %llu conflicts, %llu alarms\n",
               static_cast<unsigned long long>(s.size),
               static_cast<unsigned long long>(s.checkpoints_verified),
               static_cast<unsigned long long>(s.entries_verified),
               static_cast<unsigned long long>(s.bulletins_checked),
               static_cast<unsigned long long>(s.conflicts),
               static_cast<unsigned long long>(s.alarms));
  return monitor->alarmed() ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterMonitor(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<MonitorCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "monitor",
      "Follow a log as it grows and raise an alarm within seconds of a fork, a rollback, a\n"
      "receipted acta that never enters the log, a bulletin that does not match its\n"
      "checkpoint, an invalid entry or a conflict. Checks each new checkpoint's signature\n"
      "and its consistency with the one held, verifies every new acta and keeps the tally.\n"
      "With witnesses in the manifest, checks their cosignatures on every checkpoint and\n"
      "raises witness_quorum when no checkpoint with the manifest's quorum is seen for\n"
      "--witness-grace; it then asks each witness what it last cosigned, and a witness\n"
      "holding another tree of this log is a fork (a split view).\n"
      "Prints one JSON object per line (events: start, checkpoint, cosigned, alarm, stale,\n"
      "unavailable, receipt_invalid). The first alarm of each kind saves its evidence under\n"
      "STATE/evidence/ as a dump that 'acta verify --dump' checks offline. A source that does\n"
      "not answer is reported as unavailable, never as an alarm. Exits 1 if any alarm was\n"
      "raised, else 0 (on SIGINT/SIGTERM, --once or --duration).");
  cmd->add_option("--center", o->center, "The center's public URL (http://host:port)");
  cmd->add_option("--mirror", o->mirror,
                  "A static mirror's URL (dump layout; an older checkpoint is 'stale', not a "
                  "rollback)");
  cmd->add_option("--state", o->state,
                  "Directory for the monitor's state (created): the log held, the checkpoint "
                  "verified, evidence/. A restarted monitor goes on from it")
      ->required();
  cmd->add_option("--authority", o->authority,
                  "Pin the authority key (verifier key text or a file holding it)");
  cmd->add_option("--election-id", o->election_id, "Pin the election id (64 hex digits)");
  cmd->add_option("--receipts", o->receipts,
                  "Directory of receipts collected from tables (files of receipt bytes, any "
                  "depth): each receipted acta must enter the log within --merge-delay");
  cmd->add_option("--merge-delay", o->merge_delay_s,
                  "Seconds a receipted acta may take to enter the log (default 60)");
  cmd->add_option("--poll-ms", o->poll_ms, "Milliseconds between polls (default 500)");
  cmd->add_option("--max-backoff-ms", o->max_backoff_ms,
                  "Longest wait between polls while the source does not answer (default 10000)");
  cmd->add_option("--bulletin-interval-ms", o->bulletin_interval_ms,
                  "Compare a bulletin at most this often (default 0: at every checkpoint)");
  cmd->add_flag("--no-bulletins", o->no_bulletins, "Do not compare bulletins");
  cmd->add_option("--witness-grace", o->witness_grace_s,
                  "Seconds the latest checkpoint may stay below the manifest's witness quorum\n"
                  "(witnesses cosign a moment after the center signs) before the alarm\n"
                  "(default 30)");
  cmd->add_option("--witness-url", o->witness_urls,
                  "NAME=URL: ask the manifest's witness NAME at URL instead of the manifest's\n"
                  "URL when explaining a witness_quorum alarm. Repeatable");
  cmd->add_option("--on-alarm", o->on_alarm,
                  "Shell command run for every alarm, with ACTA_ALARM (the JSON), "
                  "ACTA_ALARM_KIND and ACTA_EVIDENCE_DIR in its environment");
  cmd->add_option("--metrics-file", o->metrics_file,
                  "Write Prometheus metrics to this file after every poll (node_exporter "
                  "textfile format)");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA bundle to trust for https");
  cmd->add_option("--duration", o->duration_s, "Stop after this many seconds (default: never)");
  cmd->add_flag("--once", o->once, "Poll once and exit");
  cmd->callback([&run, o] { run = [o] { return RunMonitor(*o); }; });
}

}  // namespace acta::cli
