// Center ingest as the center's own cost (issue #21): an `acta center`
// process pinned to one core, the load generator (this process) pinned to
// the other, terminal actas over loopback HTTP with their receipts; the
// figure is the center process's CPU time (user + system, /proc) per
// accepted acta, beside its limit measured in the same run: one raw
// libsodium Ed25519 verification and one raw signature (the receipt's) in
// thread CPU time, nginx's CPU per request answering the same requests, and
// SQLite's CPU per row inserting the same rows (docs/PERFORMANCE.md, "Center
// ingest: CPU per acta", says why the limit has those four parts).
// CPU time per acta is what other jobs on a shared machine disturb least,
// and the load generator's work is no longer in it.
//
//   ingest_cpu [--tables N] [--connections C] [--rounds R] [--acta PATH] [--out FILE]
//              [--perf-data FILE] [--center-args 'ARGS']
// --center-args: the center's options after its store, key and listeners
// (default: --threads 1 --verify-workers 1, sized to its one core).
// --perf-data: after the measurement, `perf record --call-graph dwarf` on the
// center during a further load of a third of the actas (the profile's own
// cost stays out of the measured figure). DWARF unwinding splits libsodium,
// SQLite and kernel time by caller, which frame pointers (absent in those
// libraries) cannot.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "bench/attack_load_proc.h"
#include "bench/bench_args.h"
#include "bench/bench_election.h"
#include "bench/center_process.h"
#include "bench/cpu_time.h"
#include "bench/load_generator.h"
#include "bench/nginx_reject.h"
#include "bench/raw_sqlite.h"
#include "core/election_secrets.h"
#include "core/receipt.h"

namespace acta::bench {
namespace {

using std::chrono::milliseconds;

std::string Fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

std::string DefaultActa() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path().parent_path() / "src/cli/acta").string();
}

// Stops nginx (SIGQUIT: its master waits for its worker) and removes the
// work directory on every way out of Run. Declared before the center, so
// the center is gone before its directory.
struct Teardown {
  std::filesystem::path root;
  std::optional<NginxServer> nginx;  // owned here, so it outlives every exit
  void StopNginx() {
    if (!nginx || !nginx->child) return;
    nginx->child->Signal(SIGQUIT);
    nginx->child->Wait(milliseconds(10'000));
    nginx.reset();
  }
  ~Teardown() {
    StopNginx();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
};

// Waits (at most 2 minutes) until the center's latest checkpoint covers
// `size` entries: sequencing, Merkle hashing and checkpoint signing of the
// accepted actas are part of their cost.
bool WaitLogSize(const CenterProcess& center, uint64_t size) {
  for (int i = 0; i < 1200; ++i) {
    if (center.Metric("acta_log_size").value_or(0) >= static_cast<double>(size)) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

// Context switches (voluntary + involuntary) of every thread of `pid` so
// far: each hand-over between the center's threads on its one core is one
// or two, and each costs CPU beyond the work it hands over.
double ContextSwitches(pid_t pid) {
  double total = 0;
  std::error_code ec;
  const auto tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0 ||
          line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
        total += std::stod(line.substr(line.find(':') + 1));
      }
    }
  }
  return total;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<PreparedRequest> Slice(const std::vector<PreparedRequest>& all, size_t from,
                                   size_t to) {
  return {all.begin() + static_cast<std::ptrdiff_t>(from),
          all.begin() + static_cast<std::ptrdiff_t>(to)};
}

// nginx with one worker, started on `cpu` (the center's core), answering
// every request 201 with a body the size of a receipt: what any HTTP server
// spends on a request of this kind, the HTTP part of the limit.
Result<NginxServer> StartReceiptNginx(const std::filesystem::path& dir, int cpu, int load_cpu) {
  const std::string nginx = FindProgram("nginx");
  if (nginx.empty()) {
    return MakeError(ErrorCode::kUnavailable, "no nginx (scripts/install-deps.sh installs it)");
  }
  const std::string location = "default_type application/octet-stream; return 201 \"" +
                               std::string(kReceiptSize, 'r') + "\";";
  if (!PinThisThread(cpu)) return MakeError(ErrorCode::kInternal, "sched_setaffinity");
  auto server = StartNginx(nginx, dir.string(), /*workers=*/1, location);
  PinThisThread(load_cpu);
  return server;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// One round, its parts one right after the other: the raw verify and sign
// (over the election's first 20,000 actas), nginx on the round's slice of
// the actas, the center on the same slice, SQLite on its rows.
struct Round {
  double verify_us = 0;  // one raw verify, thread CPU
  double sign_us = 0;    // one raw sign, thread CPU
  double nginx_us = 0;   // nginx master + worker CPU per request
  double sqlite_us = 0;  // raw SQLite insert, thread CPU per row
  double center_us = 0, center_user_us = 0, center_sys_us = 0;
  double accepted = 0, seconds = 0, per_commit = 0, per_checkpoint = 0;
  double switches = 0;  // per acta
  double generator_us = 0;
  bool logged = true;
  double Limit() const { return verify_us + sign_us + nginx_us + sqlite_us; }
  double Ratio() const { return center_us > 0 ? Limit() / center_us : 0; }
};

// "median (min–max)" of `field` over the rounds.
std::string Spread(const std::vector<Round>& rounds, double Round::*field, const char* unit,
                   int decimals = 1) {
  std::vector<double> v;
  for (const Round& r : rounds) v.push_back(r.*field);
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f%s (%.*f–%.*f)", decimals, Median(v), unit, decimals, *lo,
                decimals, *hi);
  return buf;
}

struct Options {
  uint32_t tables = 60'000;
  int connections = 32;
  int rounds = 5;
  std::string acta = DefaultActa();
  std::string out_path;
  std::string perf_data;
  std::vector<std::string> center_args = {"--threads", "1", "--verify-workers", "1"};
};

// `perf record --call-graph dwarf` on `pid` while `load` runs; the profile
// goes to `path`. 499 samples a second keeps the stack copies (16 KiB each)
// to a few hundred MB over a minute.
void Profile(pid_t pid, const std::string& path, const std::function<void()>& load) {
  auto perf = ChildProcess::Spawn({"/usr/bin/perf", "record", "--call-graph", "dwarf,16384", "-F",
                                   "499", "-o", path, "-p", std::to_string(pid)},
                                  path + ".log",
                                  /*pipe_stderr=*/false);
  if (!perf) {
    std::fprintf(stderr, "ingest_cpu: perf: %s\n", perf.error().ToString().c_str());
    return load();
  }
  std::this_thread::sleep_for(milliseconds(1000));  // perf attaches
  load();
  (*perf)->Signal(SIGINT);
  const int code = (*perf)->Wait(milliseconds(60'000));
  std::fprintf(stderr, "ingest_cpu: perf exited %d, profile in %s (log %s.log)\n", code,
               path.c_str(), path.c_str());
}

int Run(const Options& o) {
  const std::vector<int> cpus = AllowedCpus();
  if (cpus.size() < 2) {
    std::fprintf(stderr, "ingest_cpu: needs two CPUs (one for the center, one for the load)\n");
    return 1;
  }
  const int center_cpu = cpus[0], load_cpu = cpus[1];
  const auto root =
      std::filesystem::temp_directory_path() / ("acta-ingest-cpu-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  Teardown teardown{root, std::nullopt};
  std::fprintf(stderr, "ingest_cpu: preparing %u signed actas...\n", o.tables);
  BenchElection e = MakeBenchElection(o.tables, root);
  const auto requests = PrepareTerminalRequests(e);
  const std::vector<RawRow> rows = RawRowsOf(e);
  const double load_before = LoadAverage();

  // The center and nginx inherit this thread's pin at spawn, each sized to
  // its one core (the same core); the load generator runs on the other.
  if (!PinThisThread(center_cpu)) return std::perror("sched_setaffinity"), 1;
  CenterProcess center(o.acta, e.dir, "sqlite:" + (root / "center.db").string(),
                       e.dir + "/secrets/center.key", o.center_args);
  if (!PinThisThread(load_cpu)) return std::perror("sched_setaffinity"), 1;
  auto started = StartReceiptNginx(root / "nginx", center_cpu, load_cpu);
  if (!started) {
    std::fprintf(stderr, "ingest_cpu: %s\n", started.error().ToString().c_str());
    return 1;
  }
  teardown.nginx = std::move(*started);
  const pid_t nginx_pid = teardown.nginx->child->pid();

  const size_t n = requests.size();
  const size_t warm = std::min<size_t>(2'000, n / 20);
  const size_t measured_end = o.perf_data.empty() ? n : warm + (n - warm) * 2 / 3;
  LoadOptions lo;
  lo.port = center.ingest_port();
  lo.connections = o.connections;
  lo.max_duration = milliseconds(600'000);
  LoadOptions nginx_lo = lo;
  nginx_lo.port = teardown.nginx->port;
  // Warm-up (not counted): page cache, SQLite's first pages, lazy set-up.
  LoadResult w = RunLoad(lo, Slice(requests, 0, warm));
  RunLoad(nginx_lo, Slice(requests, 0, warm));
  if (!WaitLogSize(center, w.ok)) std::fprintf(stderr, "ingest_cpu: warm-up not logged\n");
  // The raw SQLite database holds the warm-up's rows too, as the center's
  // does, and grows with it round by round.
  const std::string raw_db = (root / "raw.sqlite").string();
  const Hash256 election_id = e.synth->election.manifest.election_id;
  if (!PinThisThread(center_cpu)) return std::perror("sched_setaffinity"), 1;
  auto raw_warm =
      RawSqliteInsert(raw_db, election_id, std::span<const RawRow>(rows).first(warm), 25);
  PinThisThread(load_cpu);
  if (!raw_warm) {
    std::fprintf(stderr, "ingest_cpu: raw SQLite: %s\n", raw_warm.error().ToString().c_str());
    return 1;
  }
  uint64_t logged_total = w.ok;

  // Commit transactions (each with its fsync) and checkpoints: how far the
  // durable work per acta is shared.
  const char* kCommits = "acta_commit_seconds_count";
  const char* kCheckpoints = "acta_sequencer_batches_total";
  std::vector<Round> rounds;
  uint64_t failed = 0;
  for (int k = 0; k < o.rounds; ++k) {
    const size_t from = warm + (measured_end - warm) * static_cast<size_t>(k) / o.rounds;
    const size_t to = warm + (measured_end - warm) * static_cast<size_t>(k + 1) / o.rounds;
    const auto slice = Slice(requests, from, to);
    Round round;
    // On the center's core (idle now), where every other part runs.
    if (!PinThisThread(center_cpu)) return std::perror("sched_setaffinity"), 1;
    round.verify_us = 1e6 / RawVerifyRate(e, /*cpu_time=*/true);
    round.sign_us = 1e6 / RawSignRate(e, /*cpu_time=*/true);
    PinThisThread(load_cpu);

    auto nginx0 = ProcessAndChildrenCpuSeconds(nginx_pid);
    const LoadResult nr = RunLoad(nginx_lo, slice);
    auto nginx1 = ProcessAndChildrenCpuSeconds(nginx_pid);
    if (!nginx0 || !nginx1 || nr.ok == 0 || nr.failed > 0) {
      std::fprintf(stderr, "ingest_cpu: nginx failed in round %d (%lu answered, %lu failed)\n",
                   k + 1, static_cast<unsigned long>(nr.ok), static_cast<unsigned long>(nr.failed));
      return 1;
    }
    round.nginx_us = (*nginx1 - *nginx0) * 1e6 / static_cast<double>(nr.ok);

    const double commits0 = center.Metric(kCommits).value_or(0);
    const double checkpoints0 = center.Metric(kCheckpoints).value_or(0);
    const auto before = ReadProcUsage(center.pid());
    const double switches0 = ContextSwitches(center.pid());
    const double gen0 = ThreadCpuSeconds();
    const LoadResult r = RunLoad(lo, slice);
    const double gen_cpu = ThreadCpuSeconds() - gen0;
    logged_total += r.ok;
    round.logged = WaitLogSize(center, logged_total);
    const auto after = ReadProcUsage(center.pid());
    if (!before || !after || r.ok == 0) {
      std::fprintf(stderr, "ingest_cpu: the center failed in round %d (%lu accepted, %lu failed)\n",
                   k + 1, static_cast<unsigned long>(r.ok), static_cast<unsigned long>(r.failed));
      return 1;
    }
    failed += r.failed;
    round.accepted = static_cast<double>(r.ok);
    round.seconds = r.seconds;
    const double per = 1e6 / std::max(round.accepted, 1.0);
    round.center_us = (after->cpu_seconds - before->cpu_seconds) * per;
    round.center_user_us = (after->user_seconds - before->user_seconds) * per;
    round.center_sys_us = (after->system_seconds - before->system_seconds) * per;
    round.switches = (ContextSwitches(center.pid()) - switches0) * per / 1e6;
    round.generator_us = gen_cpu * per;
    round.per_commit =
        round.accepted / std::max(center.Metric(kCommits).value_or(0) - commits0, 1.0);
    round.per_checkpoint =
        round.accepted / std::max(center.Metric(kCheckpoints).value_or(0) - checkpoints0, 1.0);

    // The same rows, durable, by SQLite alone, on the center's core with
    // the center's rows per transaction.
    const std::vector<RawRow> stored(rows.begin() + static_cast<std::ptrdiff_t>(from),
                                     rows.begin() + static_cast<std::ptrdiff_t>(to));
    if (!PinThisThread(center_cpu)) return std::perror("sched_setaffinity"), 1;
    auto sqlite = RawSqliteInsert(raw_db, election_id, stored,
                                  static_cast<size_t>(std::lround(round.per_commit)));
    PinThisThread(load_cpu);
    if (!sqlite) {
      std::fprintf(stderr, "ingest_cpu: raw SQLite: %s\n", sqlite.error().ToString().c_str());
      return 1;
    }
    round.sqlite_us = sqlite->cpu_us_per_row;
    std::fprintf(stderr,
                 "ingest_cpu: round %d: %.0f accepted in %.1f s; center %.1f µs CPU per acta "
                 "(user %.1f, system %.1f); limit %.1f µs (verify %.1f, sign %.1f, nginx %.1f, "
                 "SQLite %.1f); ratio %.3f; %.2f context switches per acta\n",
                 k + 1, round.accepted, round.seconds, round.center_us, round.center_user_us,
                 round.center_sys_us, round.Limit(), round.verify_us, round.sign_us, round.nginx_us,
                 round.sqlite_us, round.Ratio(), round.switches);
    rounds.push_back(round);
  }
  const double load_after = LoadAverage();
  teardown.StopNginx();
  if (!o.perf_data.empty()) {
    Profile(center.pid(), o.perf_data,
            [&] { RunLoad(lo, Slice(requests, measured_end, requests.size())); });
  }
  center.Terminate();

  std::vector<double> ratios, ratios_signatures, ratios_verify, limits, centers;
  double accepted = 0, seconds = 0;
  bool logged = true;
  for (const Round& r : rounds) {
    ratios.push_back(r.Ratio());
    // center_us > 0: a round without an accepted acta ended the run.
    ratios_signatures.push_back((r.verify_us + r.sign_us) / std::max(r.center_us, 1e-9));
    ratios_verify.push_back(r.verify_us / std::max(r.center_us, 1e-9));
    limits.push_back(r.Limit());
    centers.push_back(r.center_us);
    accepted += r.accepted;
    seconds += r.seconds;
    logged = logged && r.logged;
  }
  const double ratio = Median(ratios);
  std::string each;
  for (double r : ratios) each += (each.empty() ? "" : ", ") + Fmt("%.3f", r);
  std::fprintf(stderr, "ingest_cpu: median ratio %.3f over %zu rounds (%s)\n", ratio, rounds.size(),
               each.c_str());

  nlohmann::json table = nlohmann::json::array();
  table.push_back({"raw libsodium Ed25519 verify (crypto_sign_verify_detached), thread CPU",
                   Spread(rounds, &Round::verify_us, " µs"), "", "", ""});
  table.push_back(
      {"raw libsodium Ed25519 sign (crypto_sign_detached, a receipt's message), thread CPU",
       Spread(rounds, &Round::sign_us, " µs"), "", "", ""});
  table.push_back(
      {"nginx answering the same requests 201 with a receipt-sized body (1 worker on the "
       "center's core), master + worker CPU per request",
       Spread(rounds, &Round::nginx_us, " µs"), "", "", ""});
  table.push_back(
      {"raw SQLite insert of the same rows into acta's schema, the center's rows per "
       "transaction, WAL, synchronous=FULL, thread CPU per row",
       Spread(rounds, &Round::sqlite_us, " µs"), "", "", ""});
  table.push_back({"center process CPU (user + system) per accepted acta, receipt included",
                   Spread(rounds, &Round::center_us, " µs") +
                       Fmt(", user %.1f, system %.1f (medians)", Median([&] {
                             std::vector<double> v;
                             for (const Round& r : rounds) v.push_back(r.center_user_us);
                             return v;
                           }()),
                           Median([&] {
                             std::vector<double> v;
                             for (const Round& r : rounds) v.push_back(r.center_sys_us);
                             return v;
                           }())),
                   Fmt("%.1f µs (raw verify + raw sign + nginx + raw SQLite row)", Median(limits)),
                   Fmt("%.3f", ratio), "≥ 0.60"});
  table.push_back({"the same against the two signatures alone", "", "one raw verify + one raw sign",
                   Fmt("%.3f", Median(ratios_signatures)), ""});
  table.push_back({"the same against one raw verify alone (the issue's first limit)", "",
                   "one raw verify", Fmt("%.2f", Median(ratios_verify)), ""});
  table.push_back({"accepted actas measured (center on one core, " + std::to_string(o.connections) +
                       " keep-alive connections)",
                   Fmt("%.0f in %.1f s (%.0f /s)", accepted, seconds, accepted / seconds) +
                       (failed > 0 ? ", " + std::to_string(failed) + " failed" : "") +
                       (logged ? "" : ", NOT all in a checkpoint within 2 min"),
                   "", "", ""});
  table.push_back(
      {"actas per commit transaction (one fsync each) / per signed checkpoint",
       Spread(rounds, &Round::per_commit, "") + " / " + Spread(rounds, &Round::per_checkpoint, ""),
       "", "", ""});
  table.push_back({"center context switches per acta (all threads, voluntary + involuntary)",
                   Spread(rounds, &Round::switches, "", 2), "", "", ""});
  table.push_back({"load generator thread CPU per acta (the other core; not in the figure)",
                   Spread(rounds, &Round::generator_us, " µs"), "", "", ""});
  nlohmann::json out = {
      {"title", "Center ingest: CPU per acta"},
      {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
      {"rows", table},
      {"notes",
       {"`acta center " + Join(o.center_args) +
            "` (SQLite, synchronous=FULL, group "
            "commit) as its own process pinned to CPU " +
            std::to_string(center_cpu) +
            " (sched_setaffinity), the in-process load generator (bench/load_generator.h) "
            "pinned to CPU " +
            std::to_string(load_cpu) +
            "; MAC-authenticated terminal lane over loopback HTTP, closed loop, each acta "
            "distinct and answered 201 with its signed receipt.",
        "Center CPU: its utime + stime from /proc/PID/stat across the measured load, up to "
        "the checkpoint that covers every accepted acta (sequencing, Merkle tree, checkpoint "
        "signature included), over the actas accepted. " +
            std::to_string(warm) + " actas before it warm the center up and are not counted.",
        "Limit: the least any center spends per acta while keeping DESIGN.md's promises, "
        "each part by its raw library in this run: one raw Ed25519 verification (the acta's "
        "signature) and one raw signature (the receipt), both thread CPU; nginx's CPU per "
        "request answering the same POSTs from the same load generator (one HTTP request per "
        "table); SQLite's thread CPU per row inserting the same rows into acta's schema with "
        "the center's rows per transaction (the durable row before the receipt).",
        "Judged in " + std::to_string(rounds.size()) +
            " rounds, each on its own slice of the actas: the raw verify and sign (on the "
            "center's core), nginx on the slice, the center on the same slice, SQLite on its "
            "rows (its database holding the earlier rounds' rows, as the center's does); "
            "figures are the median "
            "(lowest–highest) over the rounds. Ratio: the median of the rounds' limit over the "
            "center's CPU per acta (" +
            each +
            "); goal 0.60, the center at most 1.67 times the limit. The two ratios below it are "
            "against the issue's first limits: one raw verify alone cannot be 0.60 of any "
            "center, because the receipt's signature, nginx and the SQLite row alone cost more "
            "than the 0.67 of a verify that goal leaves (\"The limit, restated with evidence\" "
            "below).",
        Fmt("Machine load average (1 min): %.1f before, %.1f after, on 2 cores shared with "
            "other jobs; CPU time per acta is what that sharing disturbs least (a rate would "
            "not be).",
            load_before, load_after)}}};
  if (o.out_path.empty()) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::ofstream(o.out_path) << out.dump(2) << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace acta::bench

namespace {

constexpr char kUsage[] =
    "usage: ingest_cpu [--tables N] [--connections C] [--rounds R] [--acta PATH]\n"
    "                  [--out FILE] [--perf-data FILE] [--center-args 'ARGS']\n"
    "\n"
    "Runs `acta center` (SQLite store) as its own process pinned to one CPU and\n"
    "drives it from this process, pinned to the other, with N distinct terminal\n"
    "actas over loopback HTTP. Prints (or writes) the \"Center ingest: CPU per\n"
    "acta\" section of docs/PERFORMANCE.md as JSON for bench/report.py: the\n"
    "center's CPU (user + system) per accepted acta beside its limit measured in\n"
    "the same run: one raw libsodium verify and one raw sign, nginx (needs it on\n"
    "PATH or in /usr/sbin) answering the same requests, and SQLite inserting the\n"
    "same rows.\n"
    "\n"
    "  --tables N          actas to send, at least 1000 (default 60000)\n"
    "  --connections C     keep-alive connections, 1..64 (default 32)\n"
    "  --rounds R          rounds, each on its own slice of the actas (raw verify\n"
    "                      and sign, nginx, the center, raw SQLite), 1..50\n"
    "                      (default 5); judged on the median of their ratios\n"
    "  --acta PATH         the acta binary to run (default: this build's)\n"
    "  --out FILE          write the JSON there instead of standard output\n"
    "  --perf-data FILE    after the measurement, profile the center with\n"
    "                      `perf record --call-graph dwarf` during a further load\n"
    "  --center-args ARGS  the center's options after its store, key and listeners\n"
    "                      (default '--threads 1 --verify-workers 1')\n"
    "  --help              this text\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace acta::bench;
  Options o;
  const auto args = ParseBenchArgs(argc, argv, "ingest_cpu", kUsage);
  if (args.exit_code) return *args.exit_code;
  for (const auto& [a, v] : args.options) {
    if (a == "--tables") {
      o.tables = static_cast<uint32_t>(std::stoul(v));
    } else if (a == "--connections") {
      o.connections = std::stoi(v);
    } else if (a == "--rounds") {
      o.rounds = std::stoi(v);
    } else if (a == "--acta") {
      o.acta = v;
    } else if (a == "--out") {
      o.out_path = v;
    } else if (a == "--perf-data") {
      o.perf_data = v;
    } else if (a == "--center-args") {
      o.center_args.clear();
      std::istringstream words(v);
      for (std::string w; words >> w;) o.center_args.push_back(w);
    } else {
      return UsageError("ingest_cpu", "unknown option " + a, kUsage);
    }
  }
  if (o.tables < 1000 || o.connections < 1 || o.connections > 64 || o.rounds < 1 || o.rounds > 50 ||
      access(o.acta.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "ingest_cpu: bad arguments, or no acta binary at %s (--acta)\n",
                 o.acta.c_str());
    return 2;
  }
  acta::InitCrypto();
  spdlog::set_level(spdlog::level::warn);
  return Run(o);
}
