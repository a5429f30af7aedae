// `acta center`: run a totalization center until SIGTERM or SIGINT.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "center/center.h"
#include "cli/command.h"

namespace acta::cli {
namespace {

struct CenterCliOptions {
  center::CenterOptions center;
  std::string tls_cert;
  std::string tls_key;
  int threads = 0;
  int batch_delay_ms = 250;
  size_t batch_size = 256;
  int commit_delay_us = 2000;
};

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
  if (o.center.web_root.empty()) {
    // The dashboard built from this binary's source tree, when present.
    for (const char* candidate : {ACTA_DEFAULT_WEB_ROOT, "web/dist"}) {
      if (std::filesystem::exists(std::filesystem::path(candidate) / "index.html")) {
        o.center.web_root = candidate;
        break;
      }
    }
  }
  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

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
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: stopping (finishing in-flight commits, final checkpoint)", sig);
  (*center)->Stop();
  return kExitOk;
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
                  "Election directory (manifest.json, tables.bin, manifest.sig)")
      ->required();
  cmd->add_option("--db", c.db_url, "Store: sqlite:PATH (created if missing)")->required();
  cmd->add_option("--key", c.key_file,
                  "The center's signer key file (must be listed in the manifest)")
      ->required();
  cmd->add_option("--transport-key", c.transport_key_files,
                  "Transport master secret file(s), one per manifest transport key id "
                  "(default: ELECTION/secrets/transport.key)");
  cmd->add_option("--ingest-listen", c.ingest_listen,
                  "Ingest address(es), e.g. 0.0.0.0:8443 or [::]:8443")
      ->capture_default_str();
  cmd->add_option("--public-listen", c.public_listen, "Public API address(es), e.g. 0.0.0.0:8080")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Ingest I/O threads; signatures are checked on them (default: one per core)");
  cmd->add_option("--public-threads", c.public_threads, "Public API I/O threads (default 1)");
  cmd->add_option("--tls-cert", o->tls_cert,
                  "PEM certificate chain: serve HTTPS on both listeners");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--web-root", c.web_root,
                  "Directory of the built dashboard (default: the build's web/dist)");
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
  cmd->callback([&run, o] { run = [o] { return RunCenter(*o); }; });
}

}  // namespace acta::cli
