// Center ingest as the center's own cost (issue #21): an `acta center`
// process pinned to one core, the load generator (this process) pinned to
// the other, terminal actas over loopback HTTP with their receipts; the
// figure is the center process's CPU time (user + system, /proc) per
// accepted acta, beside one raw libsodium Ed25519 verification and one raw
// signature (the receipt's) in thread CPU time measured in the same run.
// CPU time per acta is what other jobs on a shared machine disturb least,
// and the load generator's work is no longer in it.
//
//   ingest_cpu [--tables N] [--connections C] [--acta PATH] [--out FILE]
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

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/attack_load_proc.h"
#include "bench/bench_args.h"
#include "bench/bench_election.h"
#include "bench/center_process.h"
#include "bench/cpu_time.h"
#include "bench/load_generator.h"
#include "core/election_secrets.h"

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

ProcUsage MustUsage(pid_t pid) {
  auto u = ReadProcUsage(pid);
  if (!u) {
    std::fprintf(stderr, "ingest_cpu: the center is gone: %s\n", u.error().ToString().c_str());
    std::exit(1);
  }
  return *u;
}

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

struct Options {
  uint32_t tables = 60'000;
  int connections = 32;
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
  std::fprintf(stderr, "ingest_cpu: preparing %u signed actas...\n", o.tables);
  BenchElection e = MakeBenchElection(o.tables, root);
  const auto requests = PrepareTerminalRequests(e);
  const double load_before = LoadAverage();

  if (!PinThisThread(load_cpu)) return std::perror("sched_setaffinity"), 1;
  const double raw_before = RawVerifyRate(e, /*cpu_time=*/true);
  const double sign_before = RawSignRate(e, /*cpu_time=*/true);
  // The center inherits this thread's pin at spawn; sized to its one core.
  if (!PinThisThread(center_cpu)) return std::perror("sched_setaffinity"), 1;
  CenterProcess center(o.acta, e.dir, "sqlite:" + (root / "center.db").string(),
                       e.dir + "/secrets/center.key", o.center_args);
  if (!PinThisThread(load_cpu)) return std::perror("sched_setaffinity"), 1;

  const size_t n = requests.size();
  const size_t warm = std::min<size_t>(2'000, n / 20);
  const size_t measured_end = o.perf_data.empty() ? n : warm + (n - warm) * 2 / 3;
  LoadOptions lo;
  lo.port = center.ingest_port();
  lo.connections = o.connections;
  lo.max_duration = milliseconds(600'000);
  // Warm-up (not counted): page cache, SQLite's first pages, lazy set-up.
  LoadResult w = RunLoad(lo, Slice(requests, 0, warm));
  if (!WaitLogSize(center, w.ok)) std::fprintf(stderr, "ingest_cpu: warm-up not logged\n");

  // Commit transactions (each with its fsync) and checkpoints: how far the
  // durable work per acta is shared.
  const char* kCommits = "acta_commit_seconds_count";
  const char* kCheckpoints = "acta_sequencer_batches_total";
  const double commits0 = center.Metric(kCommits).value_or(0);
  const double checkpoints0 = center.Metric(kCheckpoints).value_or(0);
  const ProcUsage before = MustUsage(center.pid());
  const double switches0 = ContextSwitches(center.pid());
  const double gen0 = ThreadCpuSeconds();
  LoadResult r = RunLoad(lo, Slice(requests, warm, measured_end));
  const double gen_cpu = ThreadCpuSeconds() - gen0;
  const bool logged = WaitLogSize(center, w.ok + r.ok);
  const ProcUsage after = MustUsage(center.pid());
  const double switches = ContextSwitches(center.pid()) - switches0;
  const double commits = center.Metric(kCommits).value_or(0) - commits0;
  const double checkpoints = center.Metric(kCheckpoints).value_or(0) - checkpoints0;
  const double raw_after = RawVerifyRate(e, /*cpu_time=*/true);
  const double sign_after = RawSignRate(e, /*cpu_time=*/true);
  const double load_after = LoadAverage();
  if (!o.perf_data.empty()) {
    Profile(center.pid(), o.perf_data,
            [&] { RunLoad(lo, Slice(requests, measured_end, requests.size())); });
  }
  center.Terminate();

  const double accepted = static_cast<double>(r.ok);
  const double raw_us = 2e6 / (raw_before + raw_after);  // CPU µs per verification, mean
  const double cpu_us = (after.cpu_seconds - before.cpu_seconds) * 1e6 / std::max(accepted, 1.0);
  const double user_us = (after.user_seconds - before.user_seconds) * 1e6 / std::max(accepted, 1.0);
  const double sys_us =
      (after.system_seconds - before.system_seconds) * 1e6 / std::max(accepted, 1.0);
  const double sign_us = 2e6 / (sign_before + sign_after);  // CPU µs per signature, mean
  // The first goal is against one raw verify; the restated one
  // counts both signatures every acceptance needs: the acta's verify and
  // the receipt's signature (docs/PERFORMANCE.md says why).
  const double ratio = cpu_us > 0 ? raw_us / cpu_us : 0;
  const double ratio2 = cpu_us > 0 ? (raw_us + sign_us) / cpu_us : 0;
  std::fprintf(stderr,
               "ingest_cpu: %lu accepted (%lu failed) in %.1f s; center %.1f µs CPU per acta "
               "(user %.1f, system %.1f); raw verify %.1f µs, raw sign %.1f µs; ratio %.3f "
               "(verify + sign), %.3f (verify); %.2f context switches per acta\n",
               static_cast<unsigned long>(r.ok), static_cast<unsigned long>(r.failed), r.seconds,
               cpu_us, user_us, sys_us, raw_us, sign_us, ratio2, ratio,
               switches / std::max(accepted, 1.0));

  nlohmann::json rows = nlohmann::json::array();
  rows.push_back(
      {"raw libsodium Ed25519 verify (crypto_sign_verify_detached), thread CPU",
       Fmt("%.1f µs (%.1f before the load, %.1f after)", raw_us, 1e6 / raw_before, 1e6 / raw_after),
       "", "", ""});
  rows.push_back(
      {"raw libsodium Ed25519 sign (crypto_sign_detached, a receipt's message), thread CPU",
       Fmt("%.1f µs (%.1f before the load, %.1f after)", sign_us, 1e6 / sign_before,
           1e6 / sign_after),
       "", "", ""});
  rows.push_back({"center process CPU (user + system) per accepted acta, receipt included",
                  Fmt("%.1f µs (user %.1f, system %.1f)", cpu_us, user_us, sys_us),
                  Fmt("%.1f µs (one raw verify + one raw sign)", raw_us + sign_us),
                  Fmt("%.3f", ratio2), "≥ 0.625"});
  rows.push_back({"the same against one raw verify alone (the issue's first goal)", "",
                  Fmt("%.1f µs (one raw verify)", raw_us), Fmt("%.2f", ratio), "(≥ 0.60)"});
  rows.push_back({"accepted actas measured (center on one core, " + std::to_string(o.connections) +
                      " keep-alive connections)",
                  Fmt("%.0f in %.1f s (%.0f /s)", accepted, r.seconds, r.Rate()) +
                      (r.failed > 0 ? ", " + std::to_string(r.failed) + " failed" : "") +
                      (logged ? "" : ", NOT all in a checkpoint within 2 min"),
                  "", "", ""});
  rows.push_back(
      {"actas per commit transaction (one fsync each) / per signed checkpoint",
       Fmt("%.1f / %.0f", accepted / std::max(commits, 1.0), accepted / std::max(checkpoints, 1.0)),
       "", "", ""});
  rows.push_back({"center context switches per acta (all threads, voluntary + involuntary)",
                  Fmt("%.2f", switches / std::max(accepted, 1.0)), "", "", ""});
  rows.push_back({"load generator thread CPU per acta (the other core; not in the figure)",
                  Fmt("%.1f µs", gen_cpu * 1e6 / std::max(accepted, 1.0)), "", "", ""});
  nlohmann::json out = {
      {"title", "Center ingest: CPU per acta"},
      {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
      {"rows", rows},
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
        "Ratio: one raw verification plus one raw signature (thread CPU, this run) over the "
        "center's CPU per acta; 1.00 would be a center doing nothing but the acta's signature "
        "check and the receipt's signature. Goal 0.625: the center's CPU at most 1.6 times "
        "those two. The issue's first goal (one raw verify over the center's CPU, 0.6) is "
        "printed beside it: it counts the receipt's signature, which every acceptance needs, "
        "as overhead.",
        Fmt("Machine load average (1 min): %.1f before, %.1f after, on 2 cores shared with "
            "other jobs; CPU time per acta is what that sharing disturbs least (a rate would "
            "not be).",
            load_before, load_after)}}};
  if (o.out_path.empty()) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::ofstream(o.out_path) << out.dump(2) << "\n";
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  return 0;
}

}  // namespace
}  // namespace acta::bench

namespace {

constexpr char kUsage[] =
    "usage: ingest_cpu [--tables N] [--connections C] [--acta PATH] [--out FILE]\n"
    "                  [--perf-data FILE] [--center-args 'ARGS']\n"
    "\n"
    "Runs `acta center` (SQLite store) as its own process pinned to one CPU and\n"
    "drives it from this process, pinned to the other, with N distinct terminal\n"
    "actas over loopback HTTP. Prints (or writes) the \"Center ingest: CPU per\n"
    "acta\" section of docs/PERFORMANCE.md as JSON for bench/report.py: the\n"
    "center's CPU (user + system) per accepted acta beside one raw libsodium\n"
    "verify and one raw sign measured in the same run.\n"
    "\n"
    "  --tables N          actas to send, at least 1000 (default 60000)\n"
    "  --connections C     keep-alive connections, 1..64 (default 32)\n"
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
  if (o.tables < 1000 || o.connections < 1 || o.connections > 64 ||
      access(o.acta.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "ingest_cpu: bad arguments, or no acta binary at %s (--acta)\n",
                 o.acta.c_str());
    return 2;
  }
  acta::InitCrypto();
  spdlog::set_level(spdlog::level::warn);
  return Run(o);
}
