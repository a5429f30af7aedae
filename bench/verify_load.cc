// Verifier benchmark (issue: the public verifier, "Performance"): builds a
// dump the way a center publishes it (entry bundles, a checkpoint every 256
// entries, the latest bulletin, tables.csv) in memory, then times
// verify::VerifyFiles on it with 1 and with all cores: its process CPU per
// acta against one raw libsodium verification's CPU (the judged figure),
// and its rate against the raw rate x cores, both measured in the same run.
//
//   verify_load [--tables N] [--out FILE]      (default 1,000,000)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/cpu_time.h"
#include "bench/published_log.h"
#include "verify/verifier.h"

#define MUST(expr)                                              \
  do {                                                          \
    if (!(expr)) {                                              \
      std::fprintf(stderr, "verify_load: failed: %s\n", #expr); \
      std::exit(1);                                             \
    }                                                           \
  } while (0)

namespace acta::bench {
namespace {

std::string LoadText(double load) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", load);
  return buf;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Run(uint32_t tables, const std::string& out_path) {
  const double load_before = LoadAverage();
  PublishedLog log = BuildPublishedLog(tables);
  const verify::MemoryFiles& files = log.files;
  const std::vector<Bytes>& entries = log.entries;
  // Raw limit: libsodium verify of the same actas' signatures on one core,
  // per second of wall time and per second of this thread's CPU.
  const double raw = RawVerifyRate(log);
  const double raw_cpu_us = 1e6 / RawVerifyRate(log, 20'000, /*cpu_time=*/true);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  nlohmann::json rows = nlohmann::json::array();
  char buf[128], lim[128], ratio[64];
  std::snprintf(buf, sizeof buf, "%.0f /s, %.1f µs thread CPU each", raw, raw_cpu_us);
  rows.push_back({"raw libsodium Ed25519 verify, 1 core", buf, "", "", ""});
  const std::string what = "verify a dump of " + std::to_string(entries.size()) +
                           " actas (signatures, tree, checkpoints, totals, CSV), ";
  for (unsigned threads : {1u, cores}) {
    verify::VerifyOptions vo;
    vo.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = ProcessCpuSeconds();
    verify::Report r = verify::VerifyFiles(files, vo);
    const double cpu = ProcessCpuSeconds() - cpu0;
    const double secs = Seconds(start);
    MUST(r.ok());
    MUST(r.entries == entries.size());
    const double rate = static_cast<double>(entries.size()) / secs;
    const double cpu_us = cpu * 1e6 / static_cast<double>(entries.size());
    std::fprintf(stderr,
                 "verify: %zu entries, %u threads: %.2f s, %.0f entries/s, %.1f µs CPU each "
                 "(raw verify %.1f µs)\n",
                 entries.size(), threads, secs, rate, cpu_us, raw_cpu_us);
    const std::string t = std::to_string(threads) + " thread(s)";
    // The judged figure: the verifier's CPU per acta beside one raw
    // verification. With every thread busy, rate / (threads x raw rate) is
    // this same ratio; unlike it, this one does not move with other jobs.
    std::snprintf(buf, sizeof buf, "%.1f µs", cpu_us);
    std::snprintf(lim, sizeof lim, "%.1f µs (one raw verify)", raw_cpu_us);
    std::snprintf(ratio, sizeof ratio, "%.2f", raw_cpu_us / cpu_us);
    rows.push_back(
        {what + t + ": process CPU per acta", buf, lim, ratio, threads == cores ? "≥ 0.90" : ""});
    std::snprintf(buf, sizeof buf, "%.1f s, %.0f entries/s, %.2f of %u cores busy", secs, rate,
                  cpu / secs, threads);
    std::snprintf(lim, sizeof lim, "%.0f /s (raw verify x %u)", raw * threads, threads);
    std::snprintf(ratio, sizeof ratio, "%.2f", rate / (raw * threads));
    rows.push_back({what + t + ": wall time", buf, lim, ratio, ""});
  }
  nlohmann::json out = {{"title", "Public verifier"},
                        {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
                        {"rows", rows},
                        {"notes",
                         {"The dump is built in memory the way a center publishes it; reading "
                          "it from disk adds little (sequential files).",
                          "Judged on CPU time: the verifier process's CPU (all threads, user + "
                          "system) per acta beside one raw verification's thread CPU, measured "
                          "in the same run; with every thread busy, rate / (threads x raw rate) "
                          "is the same ratio, but only the CPU figure holds on a shared machine. "
                          "The wall rows depend on what else runs (load average " +
                              LoadText(load_before) + " before, " + LoadText(LoadAverage()) +
                              " after, 2 cores); cores busy is the verifier's CPU over its wall "
                              "time, below the thread count when other jobs take the cores."}}};
  if (out_path.empty()) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::ofstream(out_path) << out.dump(2) << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  acta::InitCrypto();
  uint32_t tables = 1000000;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--tables")
      tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--out")
      out = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: verify_load [--tables N] [--out FILE]\n");
      return 2;
    }
  }
  return acta::bench::Run(tables, out);
}
