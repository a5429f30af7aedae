// `acta center`: run a totalization center until SIGTERM or SIGINT.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "center/center.h"
#include "center/web_root.h"
#include "cli/command.h"
#include "cli/config_file.h"
#include "cli/stop_signals.h"

namespace acta::cli {
namespace {

struct CenterCliOptions {
  center::CenterOptions center;
  std::string tls_cert;
  std::string tls_key;
  int threads = 0;
  int verify_workers = -1;  // -1: one per core
  int batch_delay_ms = 250;
  size_t batch_size = 256;
  int commit_delay_us = 2000;
  std::vector<std::string> witness_urls;  // NAME=URL
  bool no_witnesses = false;
  // Listener limits (both listeners), in the units the flags use.
  size_t max_connections = http::ServerLimits{}.max_connections;
  size_t max_connections_per_network = http::ServerLimits{}.max_connections_per_source;
  size_t max_header_bytes = http::ServerLimits{}.max_header_bytes;
  size_t max_body_bytes = http::ServerLimits{}.max_body_bytes;
  size_t max_requests_per_connection = http::ServerLimits{}.max_requests_per_connection;
  int64_t header_timeout_ms = http::ServerLimits{}.header_timeout.count();
  int64_t body_timeout_ms = http::ServerLimits{}.body_timeout.count();
  int64_t idle_timeout_ms = http::ServerLimits{}.idle_timeout.count();
  int64_t tls_handshake_timeout_ms = http::ServerLimits{}.tls_handshake_timeout.count();
  int64_t handler_timeout_ms = http::ServerLimits{}.handler_timeout.count();
};

// The flag values as ServerLimits, for one listener.
void ApplyListenerLimits(const CenterCliOptions& o, http::ServerLimits& l) {
  l.max_connections = o.max_connections;
  l.max_connections_per_source = o.max_connections_per_network;
  l.max_header_bytes = o.max_header_bytes;
  l.max_body_bytes = o.max_body_bytes;
  l.max_requests_per_connection = o.max_requests_per_connection;
  l.header_timeout = std::chrono::milliseconds(o.header_timeout_ms);
  l.body_timeout = std::chrono::milliseconds(o.body_timeout_ms);
  l.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  l.tls_handshake_timeout = std::chrono::milliseconds(o.tls_handshake_timeout_ms);
  l.handler_timeout = std::chrono::milliseconds(o.handler_timeout_ms);
}

std::string UrlFor(const std::string& listen, uint16_t port, bool tls) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

int RunCenter(CenterCliOptions o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return ReportError("center",
                       Error{ErrorCode::kInvalidArgument, "--tls-cert and --tls-key go together"});
  }
  if (!o.tls_cert.empty()) o.center.tls = http::TlsFiles{o.tls_cert, o.tls_key};
  o.center.ingest_threads =
      o.threads > 0 ? o.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.center.sequencer.batch_delay = std::chrono::milliseconds(o.batch_delay_ms);
  o.center.sequencer.batch_size = o.batch_size;
  o.center.commit.max_delay = std::chrono::microseconds(o.commit_delay_us);
  if (o.verify_workers >= 0) o.center.ingest.verify.workers = o.verify_workers;
  ApplyListenerLimits(o, o.center.ingest_limits);
  ApplyListenerLimits(o, o.center.public_limits);
  o.center.collect_cosignatures = !o.no_witnesses;
  for (const auto& flag : o.witness_urls) {
    const size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ReportError("center",
                         Error{ErrorCode::kInvalidArgument, "--witness-url must be NAME=URL"});
    }
    o.center.witness_urls[flag.substr(0, eq)] = flag.substr(eq + 1);
  }
  auto web_root = center::FindWebRoot(o.center.web_root);
  if (!web_root) return ReportError("center", web_root.error());
  o.center.web_root = *web_root;
  if (web_root->empty()) {
    spdlog::warn("no dashboard found (see --web-root): the public listener serves the API only");
  } else {
    spdlog::info("dashboard from {}", *web_root);
  }
  const StopSignals signals;

  SystemClock clock;
  auto center = center::Center::Start(o.center, clock);
  if (!center) return ReportError("center", center.error());
  const bool tls = o.center.tls.has_value();
  std::printf("ingest %s\npublic %s\n",
              UrlFor(o.center.ingest_listen.front(), (*center)->ingest_port(), tls).c_str(),
              UrlFor(o.center.public_listen.front(), (*center)->public_port(), tls).c_str());
  std::fflush(stdout);
  spdlog::info("center running for election {} ({} tables); SIGTERM or Ctrl-C stops it",
               HexEncode((*center)->manifest().election_id).substr(0, 16),
               (*center)->manifest().tables.size());
  const int sig = signals.Wait();
  spdlog::info("signal {}: stopping (finishing in-flight commits, final checkpoint)", sig);
  (*center)->Stop();
  return kExitOk;
}

// Every limit that keeps the center serving terminals under attack
// (docs/OPERATIONS.md, "Limits and their defaults"). Defaults come from the
// option structs themselves, so --help cannot drift from the code.
void AddLimitOptions(CLI::App& cmd, CenterCliOptions& o) {
  const char* g = "Limits (=default; each one explained in docs/OPERATIONS.md)";
  auto& ingest = o.center.ingest;
  // CLI11's range checks let "nan" through (every comparison is false), and
  // a NaN rate or burst would silently switch a limit off.
  const CLI::Validator finite(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const long double v = std::strtold(text.c_str(), &end);
        if (end == text.c_str() || !std::isfinite(v)) return "must be a finite number: " + text;
        return {};
      },
      "FINITE");
  auto num = [&](const char* name, auto& field, const char* help) {
    return cmd.add_option(name, field, help)->group(g)->capture_default_str()->check(finite);
  };
  // Signature work.
  cmd.add_option("--verify-workers", o.verify_workers,
                 "Signature-check worker threads; terminal-lane work always runs first; 0 "
                 "checks on the I/O threads (default: one per core)")
      ->group(g)
      ->check(CLI::NonNegativeNumber);
  num("--verify-terminal-queue", ingest.verify.max_terminal_queue,
      "Terminal-lane actas waiting for a worker; beyond: 503 + Retry-After")
      ->check(CLI::PositiveNumber);
  num("--verify-public-queue", ingest.verify.max_public_queue,
      "Public-lane actas waiting for a worker; beyond: 429 + Retry-After")
      ->check(CLI::PositiveNumber);
  // Per-table budgets.
  num("--table-terminal-rate", ingest.table_limits.terminal_per_second,
      "Per table, terminal lane: new actas per second (replays are free); beyond: 429")
      ->check(CLI::NonNegativeNumber);
  num("--table-terminal-burst", ingest.table_limits.terminal_burst,
      "Per table, terminal lane: bucket size")
      ->check(CLI::Range(1.0, 1e9));
  num("--table-public-rate", ingest.table_limits.public_per_second,
      "Per table, public lane: new actas per second; beyond: 429")
      ->check(CLI::NonNegativeNumber);
  num("--table-public-burst", ingest.table_limits.public_burst,
      "Per table, public lane: bucket size")
      ->check(CLI::Range(1.0, 1e9));
  // Public-lane budget.
  num("--public-rate", ingest.public_budget.global_per_second,
      "Public lane, all sources: actas per second; beyond: 429")
      ->check(CLI::NonNegativeNumber);
  num("--public-burst", ingest.public_budget.global_burst, "Public lane, all sources: bucket size")
      ->check(CLI::Range(1.0, 1e12));
  num("--public-network-rate", ingest.public_budget.per_source_per_second,
      "Public lane, per source network (IPv4 /24, IPv6 /48): actas per second; beyond: 429")
      ->check(CLI::NonNegativeNumber);
  num("--public-network-burst", ingest.public_budget.per_source_burst,
      "Public lane, per source network: bucket size")
      ->check(CLI::Range(1.0, 1e12));
  num("--public-networks", ingest.public_budget.max_sources,
      "Public lane: source networks tracked (least recently used forgotten)")
      ->check(CLI::PositiveNumber);
  // Group commit.
  num("--commit-queue", o.center.commit.max_queue,
      "Actas waiting for the disk; beyond: 503 + Retry-After")
      ->check(CLI::PositiveNumber);
  num("--commit-batch", o.center.commit.max_batch, "Most actas per commit transaction")
      ->check(CLI::PositiveNumber);
  // Listeners (each of the two listeners gets these).
  num("--max-connections", o.max_connections,
      "Open connections per listener; beyond: 503 (plain HTTP) or close (TLS)")
      ->check(CLI::PositiveNumber);
  num("--max-connections-per-network", o.max_connections_per_network,
      "Open connections per listener from one source network (IPv4 /24, IPv6 /48)")
      ->check(CLI::PositiveNumber);
  num("--max-header-bytes", o.max_header_bytes, "Request line + header fields; beyond: 431")
      ->check(CLI::PositiveNumber);
  num("--max-body-bytes", o.max_body_bytes,
      "Request body (POST /v1/actas is also capped at the largest acta); beyond: 413")
      ->check(CLI::PositiveNumber);
  num("--max-requests-per-connection", o.max_requests_per_connection,
      "Responses per keep-alive connection before Connection: close")
      ->check(CLI::PositiveNumber);
  num("--header-timeout-ms", o.header_timeout_ms,
      "First byte to end of header (slowloris); expiry: 408 and close")
      ->check(CLI::PositiveNumber);
  num("--body-timeout-ms", o.body_timeout_ms, "End of header to end of body; expiry: 408")
      ->check(CLI::PositiveNumber);
  num("--idle-timeout-ms", o.idle_timeout_ms, "Idle keep-alive connection closed after")
      ->check(CLI::PositiveNumber);
  num("--tls-handshake-timeout-ms", o.tls_handshake_timeout_ms, "TLS handshake deadline")
      ->check(CLI::PositiveNumber);
  num("--handler-timeout-ms", o.handler_timeout_ms,
      "Request to reply (waiting for a worker and the disk included); expiry: 503")
      ->check(CLI::PositiveNumber);
}

}  // namespace

void RegisterCenter(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<CenterCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "center",
      "Run a totalization center: verifies and durably stores actas (ingest listener), sequences\n"
      "them into the Merkle log with signed checkpoints, tallies, and serves the public API and\n"
      "dashboard (public listener). Prints the listeners' URLs on stdout. SIGTERM/SIGINT stop it\n"
      "gracefully: in-flight requests are answered, queued actas committed and sequenced, and a\n"
      "final checkpoint signed.");
  auto& c = o->center;
  cmd->add_option("--election", c.election_dir,
                  "Election directory (manifest.json, tables.bin, manifest.sig)");
  cmd->add_option(
      "--db", c.db_url,
      "Store: sqlite:PATH (a file, created if missing) or postgres://USER@HOST:PORT/DB\n"
      "(PostgreSQL; several centers may share one database, one sequences at a time).\n"
      "Replicated sites: postgres://USER@H1:P1,H2:P2,H3:P3/DB?target_session_attrs=read-write\n"
      "(libpq tries each host and reconnects to the new primary after a failover)");
  cmd->add_flag("--require-sync-standby", c.db.require_sync_standby,
                "PostgreSQL with synchronous standbys (Patroni synchronous_mode): acknowledge a\n"
                "write (send a receipt, sign a checkpoint) only once a synchronous standby holds\n"
                "it; a primary without one answers ingest with 503. Needs pg_monitor");
  cmd->add_option("--db-answer-timeout-ms", c.db.answer_timeout_ms,
                  "PostgreSQL: abandon a connection (the store's or the sequencer lease's) whose\n"
                  "statement got no answer in this time (never cancelled; the outcome is looked\n"
                  "up). 0 waits for ever")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--key", c.key_file,
                  "The center's key (must be listed in the manifest): a key file, or an Ed25519\n"
                  "key in a PKCS#11 token named by an RFC 7512 URI, e.g.\n"
                  "pkcs11:token=acta-center;object=center (docs/OPERATIONS.md, \"Center key in a\n"
                  "token\"); the center refuses to start on a wrong PIN or a missing token or key");
  cmd->add_option("--pin-file", c.pin_file,
                  "With --key pkcs11:...: file holding the token's user PIN (else the URI's\n"
                  "pin-source)");
  cmd->add_option("--transport-key", c.transport_key_files,
                  "Transport master secret file(s), one per manifest transport key id "
                  "(default: ELECTION/secrets/transport.key)");
  cmd->add_option("--ingest-listen", c.ingest_listen,
                  "Ingest address(es), e.g. 0.0.0.0:8443 or [::]:8443")
      ->capture_default_str();
  cmd->add_option("--public-listen", c.public_listen, "Public API address(es), e.g. 0.0.0.0:8080")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Ingest I/O threads: parsing, MAC and budget checks (default: one per core)");
  cmd->add_option("--public-threads", c.public_threads, "Public API I/O threads (default 1)");
  cmd->add_option("--tls-cert", o->tls_cert,
                  "PEM certificate chain: serve HTTPS on both listeners");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");
  cmd->add_option(
      "--web-root", c.web_root,
      "Directory of the built dashboard (default: ../share/acta/web beside the binary,\n"
      "else the web/dist of the source tree it was built from)");
  cmd->add_option("--audit-dir", c.audit_dir,
                  "Directory of audit directories ('acta audit plan --out DIR/<name>'), published "
                  "read-only under /v1/audits/");
  cmd->add_option("--geoip-country", c.geoip_country_db,
                  "MMDB country database (e.g. GeoLite2-Country.mmdb) to rank attacking countries");
  cmd->add_option("--geoip-asn", c.geoip_asn_db,
                  "MMDB ASN database to name attacking network operators");
  cmd->add_option("--batch-size", o->batch_size,
                  "Sequencer: entries per batch/checkpoint (default 256)");
  cmd->add_option("--batch-delay-ms", o->batch_delay_ms,
                  "Sequencer: longest wait for a batch to fill (default 250)");
  cmd->add_option("--commit-delay-us", o->commit_delay_us,
                  "Group commit: longest wait for a batch (default 2000)");
  cmd->add_option("--witness-url", o->witness_urls,
                  "NAME=URL: reach the manifest's witness NAME at URL instead of the manifest's\n"
                  "URL (a proxy, a private link). Repeatable");
  cmd->add_flag("--no-witnesses", o->no_witnesses,
                "Do not submit checkpoints to the manifest's witnesses (serve the center's\n"
                "signature only)");
  cmd->add_option("--witness-ca-file", o->center.witness_ca_file,
                  "PEM CA bundle to trust for https witnesses (default: the system's)");
  AddLimitOptions(*cmd, *o);
  auto config = ConfigFile::Attach(*cmd, {"--election", "--db", "--key"});
  cmd->callback([&run, o, config] {
    run = [o, config] {
      if (auto exit = config->Resolve("center")) return *exit;
      return RunCenter(*o);
    };
  });
}

}  // namespace acta::cli
