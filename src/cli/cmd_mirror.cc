// `acta mirror`: keeps a checked static copy of a center's public read path
// in a directory (src/mirror/mirror.h), once or following the log.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <thread>

#include "center/web_root.h"
#include "cli/command.h"
#include "cli/config_file.h"
#include "mirror/event_stream.h"
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

// With an event stream open, the checkpoint is still polled this often, in
// case an event is lost.
constexpr double kStreamedPollSeconds = 30.0;

// --follow on a source with server-sent events (a center's /v1/events):
// every "checkpoint" event wakes the main thread (SIGUSR1, which it waits
// for in sigtimedwait) for a sync at once. A source without them (a
// mirror: 404) leaves `streaming` false and the main thread polls every
// --interval. A broken stream is reopened after a few seconds; meanwhile
// the main thread polls.
void FollowEvents(http::HttpClientOptions co, pthread_t main_thread, std::atomic<bool>& streaming) {
  for (;;) {
    auto client = http::HttpClient::Create(co);
    if (!client) return;
    mirror::EventStreamParser parser([&](std::string_view type, std::string_view) {
      if (type == "checkpoint") pthread_kill(main_thread, SIGUSR1);
    });
    auto status = (*client)->Stream(
        "/v1/events",
        [&](std::string_view chunk) {
          streaming = true;
          return parser.Feed(chunk).has_value();
        },
        std::chrono::seconds(90));
    streaming = false;
    if (status && *status == 404) return;
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
}

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
  // moment is safe too: the next run resumes); SIGUSR1 is a new checkpoint
  // announced by the source's events.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  std::atomic<bool> streaming = false;
  if (o.follow) {
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the thread: it inherits the mask
    http::HttpClientOptions eo = co;
    eo.max_response_bytes = 1024 * 1024;
    eo.request_timeout = std::chrono::milliseconds(15'000);
    // Ends with the process.
    std::thread(FollowEvents, eo, pthread_self(), std::ref(streaming)).detach();
  }

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
    const double seconds = streaming ? std::max(o.interval, kStreamedPollSeconds) : o.interval;
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(seconds);
    wait.tv_nsec = static_cast<long>((seconds - static_cast<double>(wait.tv_sec)) * 1e9);
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) return kExitOk;
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
                "Keep following the source: a center's server-sent events (/v1/events) start a "
                "sync at each new checkpoint (its checkpoint is still polled every 30 s); a "
                "source without events (a mirror) is polled every --interval seconds. "
                "SIGINT/SIGTERM stop it");
  cmd->add_option("--interval", o->interval,
                  "Seconds between polls with --follow when the source has no event stream")
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
