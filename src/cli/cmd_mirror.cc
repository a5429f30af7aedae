// `acta mirror`: keeps a checked static copy of a center's public read path
// in a directory (src/mirror/mirror.h), once or following the log.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>

#include "center/web_root.h"
#include "cli/command.h"
#include "cli/config_file.h"
#include "mirror/mirror.h"
#include "terminal/http_client.h"

namespace acta::cli {
namespace {

struct MirrorCmdOptions {
  std::string center;
  std::string out;
  std::string web_root;
  std::string ca_file;
  std::string election_id;
  bool follow = false;
  double interval = 1.0;
  int fetch_threads = 4;
  bool quiet = false;
};

bool Transient(const Error& e) {
  return e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kResourceExhausted;
}

int RunMirror(const MirrorCmdOptions& o) {
  mirror::MirrorOptions mo;
  mo.out_dir = o.out;
  mo.source_url = o.center;
  mo.fetch_threads = o.fetch_threads;
  if (o.web_root != "none") {
    auto web_root = center::FindWebRoot(o.web_root);
    if (!web_root) return ReportError("mirror", web_root.error());
    mo.web_root = *web_root;
  }
  if (!o.election_id.empty()) {
    auto id = HexDecodeFixed<32>(o.election_id);
    if (!id)
      return ReportError(
          "mirror",
          MakeError(ErrorCode::kInvalidArgument, "--election-id must be 64 hex digits").error());
    mo.election_id = *id;
  }
  if (!o.quiet) {
    mo.progress = [](std::string_view stage, uint64_t done, uint64_t total) {
      std::fprintf(stderr, "\r%-8.*s %llu/%llu", static_cast<int>(stage.size()), stage.data(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
      if (done == total) std::fprintf(stderr, "\n");
    };
  }
  http::HttpClientOptions co;
  co.base_url = o.center;
  co.ca_file = o.ca_file;
  co.max_response_bytes = 512 * 1024 * 1024;
  co.request_timeout = std::chrono::milliseconds(120'000);
  auto clients = [co]() { return http::HttpClient::Create(co); };

  // SIGINT/SIGTERM end --follow between two syncs (a kill at any other
  // moment is safe too: the next run resumes).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (o.follow) pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  auto m = mirror::Mirror::Open(mo, clients, clock);
  if (!m) return ReportError("mirror", m.error());
  for (;;) {
    auto r = (*m)->Sync();
    if (!r) {
      if (!o.follow || !Transient(r.error())) return ReportError("mirror", r.error());
      std::fprintf(stderr, "acta mirror: %s (retrying)\n", r.error().message.c_str());
    } else if (r->published) {
      std::fprintf(stderr,
                   "acta mirror: %s: size %llu -> %llu, %llu files (%llu bytes) written, %llu "
                   "bytes fetched\n",
                   o.out.c_str(), static_cast<unsigned long long>(r->held_size),
                   static_cast<unsigned long long>(r->size),
                   static_cast<unsigned long long>(r->files_written),
                   static_cast<unsigned long long>(r->bytes_written),
                   static_cast<unsigned long long>(r->bytes_fetched));
    } else if (!o.follow) {
      std::fprintf(stderr, "acta mirror: %s: up to date at size %llu\n", o.out.c_str(),
                   static_cast<unsigned long long>(r->size));
    }
    if (!o.follow) return kExitOk;
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(o.interval);
    wait.tv_nsec = static_cast<long>((o.interval - static_cast<double>(wait.tv_sec)) * 1e9);
    if (sigtimedwait(&signals, nullptr, &wait) > 0) return kExitOk;
  }
}

}  // namespace

void RegisterMirror(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<MirrorCmdOptions>();
  CLI::App* cmd = app.add_subcommand(
      "mirror",
      "Write a checked static copy of a center's public read path (checkpoint, tiles, entry "
      "bundles, manifest, bulletins, regions, tables, CSV, dashboard) into a directory that any "
      "web server or CDN can serve (nginx configuration: examples/nginx/acta-mirror.conf). Each "
      "new checkpoint is published only after its signature, its entries and its consistency "
      "with the checkpoint already held are checked; a fork or rollback is refused. Resumable "
      "after a crash; the source may itself be a mirror.");
  cmd->add_option("--center", o->center,
                  "The source: a center's public URL, or a mirror served with the repository's "
                  "nginx configuration (http://host:port)");
  cmd->add_option("--out", o->out, "Mirror directory (created; an existing mirror is resumed)");
  cmd->add_flag("--follow", o->follow,
                "Keep following the source, polling its checkpoint every --interval seconds; "
                "SIGINT/SIGTERM stop it");
  cmd->add_option("--interval", o->interval, "Seconds between polls with --follow")
      ->default_val(1.0)
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--web-root", o->web_root,
                  "Built dashboard to copy into the mirror (default: the one `acta center` "
                  "serves; 'none' for no dashboard)");
  cmd->add_option("--election-id", o->election_id,
                  "Refuse a source whose manifest is another election (64 hex digits)");
  cmd->add_option("--fetch-threads", o->fetch_threads,
                  "Connections used at once to fetch table files")
      ->default_val(4)
      ->check(CLI::Range(1, 16));
  cmd->add_option("--ca-file", o->ca_file, "PEM CA bundle to trust for https");
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  auto config = ConfigFile::Attach(*cmd, {"--center", "--out"});
  cmd->callback([&run, o, config] {
    run = [o, config] {
      if (auto exit = config->Resolve("mirror")) return *exit;
      return RunMirror(*o);
    };
  });
}

}  // namespace acta::cli
