// Center ingest benchmark (issue: the totalization center, "Performance"):
// loopback HTTP with durable group commit (SQLite, synchronous=FULL), all
// checks and signatures, against the raw libsodium verify rate measured in
// the same run. Writes a table for docs/PERFORMANCE.md (bench/report.py).
//
//   ingest_load [--tables N] [--connections C] [--memory-tables M] [--out FILE]
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/bench_election.h"
#include "bench/fsync_probe.h"
#include "bench/load_generator.h"
#include "center/center.h"
#include "core/election_secrets.h"
#include "sim/synth.h"

namespace acta::bench {
namespace {

using Election = BenchElection;

double RssMiB() { return ProcStatusMiB("self", "VmRSS"); }

std::string DiskText(const FsyncStats& d) {
  if (d.samples == 0) return "disk fdatasync: not measured";
  char buf[96];
  std::snprintf(buf, sizeof buf, "disk fdatasync p99 %.2f ms, max %.1f ms", d.p99_ms, d.max_ms);
  return buf;
}

std::unique_ptr<center::Center> StartCenter(const Election& e, const std::string& db,
                                            const Clock& clock) {
  std::filesystem::remove(db);
  return StartBenchCenter(e, "sqlite:" + db, 0, clock);
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  using namespace acta;
  using namespace acta::bench;
  InitCrypto();
  uint32_t tables = 100000;
  uint32_t memory_tables = 0;
  int connections = 64;
  std::string out_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--tables")
      tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--memory-tables")
      memory_tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--connections")
      connections = std::stoi(argv[i + 1]);
    else if (a == "--out")
      out_path = argv[i + 1];
    else {
      std::fprintf(
          stderr,
          "usage: ingest_load [--tables N] [--connections C] [--memory-tables M] [--out FILE]\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  auto root =
      std::filesystem::temp_directory_path() / ("acta-ingest-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  SystemClock clock;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  std::fprintf(stderr, "preparing %u signed actas...\n", tables);
  Election e = MakeBenchElection(tables, root);
  auto requests = PrepareTerminalRequests(e);
  const double raw = RawVerifyRate(e);
  const double limit = raw * cores;
  std::fprintf(stderr, "raw libsodium verify: %.0f/s per core, limit %.0f/s on %u cores\n", raw,
               limit, cores);

  // 1. Saturation: every acta once, as fast as the center takes them.
  auto center = StartCenter(e, (root / "sat.db").string(), clock);
  bench::LoadOptions lo;
  lo.port = center->ingest_port();
  lo.connections = connections;
  FsyncProbe sat_probe(root.string(), std::chrono::milliseconds(20));
  LoadResult sat = RunLoad(lo, requests);
  const FsyncStats sat_disk = sat_probe.Stop();
  WaitLogSize(*center, sat.ok);
  center->Stop();
  center.reset();
  std::fprintf(stderr, "saturation: %.0f actas/s, p50 %.2f ms, p99 %.2f ms, %lu failed\n",
               sat.Rate(), sat.Percentile(0.5), sat.Percentile(0.99),
               static_cast<unsigned long>(sat.failed));

  // 2. Half that load, paced: acceptance latency.
  center = StartCenter(e, (root / "half.db").string(), clock);
  lo.port = center->ingest_port();
  lo.rate = sat.Rate() / 2;
  FsyncProbe half_probe(root.string(), std::chrono::milliseconds(20));
  LoadResult half = RunLoad(lo, requests);
  const FsyncStats half_disk = half_probe.Stop();
  center->Stop();
  center.reset();
  std::fprintf(stderr, "half load (%.0f/s): p50 %.2f ms, p99 %.2f ms\n", lo.rate,
               half.Percentile(0.5), half.Percentile(0.99));

  nlohmann::json rows = nlohmann::json::array();
  char buf[256];
  auto row = [&](std::string what, std::string value, std::string lim, std::string ratio,
                 std::string goal) {
    rows.push_back({what, value, lim, ratio, goal});
  };
  std::snprintf(buf, sizeof buf, "%.0f /s", raw);
  row("raw libsodium Ed25519 verify, 1 core", buf, "", "", "");
  std::snprintf(buf, sizeof buf, "%.0f /s", sat.Rate());
  char lim[64], ratio[64];
  std::snprintf(lim, sizeof lim, "%.0f /s (raw verify x %u cores)", limit, cores);
  std::snprintf(ratio, sizeof ratio, "%.2f", sat.Rate() / limit);
  row("ingest throughput, loopback HTTP, durable group commit, " + std::to_string(connections) +
          " connections",
      buf, lim, ratio, "≥ 0.50");
  std::snprintf(buf, sizeof buf, "p50 %.2f ms, p99 %.2f ms", sat.Percentile(0.5),
                sat.Percentile(0.99));
  row("acceptance latency at saturation", buf, DiskText(sat_disk), "", "");
  std::snprintf(buf, sizeof buf, "p50 %.2f ms, p99 %.2f ms", half.Percentile(0.5),
                half.Percentile(0.99));
  std::snprintf(lim, sizeof lim, "%.0f /s offered; ", lo.rate);
  row("acceptance latency at half load", buf, lim + DiskText(half_disk), "", "p99 < 50 ms");

  if (memory_tables > 0) {
    std::fprintf(stderr, "memory run: preparing %u signed actas...\n", memory_tables);
    e.actas.clear();
    requests.clear();
    Election big = MakeBenchElection(memory_tables, root);
    auto big_requests = PrepareTerminalRequests(big);
    big.actas.clear();
    big.actas.shrink_to_fit();
    const double before = RssMiB();
    center = StartCenter(big, (root / "big.db").string(), clock);
    lo.port = center->ingest_port();
    lo.rate = 0;
    lo.max_duration = std::chrono::milliseconds(600'000);
    LoadResult r = RunLoad(lo, big_requests);
    WaitLogSize(*center, r.ok);
    const double after = RssMiB();
    std::fprintf(stderr, "memory: %lu accepted, RSS %.0f MiB -> %.0f MiB\n",
                 static_cast<unsigned long>(r.ok), before, after);
    std::snprintf(buf, sizeof buf, "%.0f MiB", after - before);
    std::snprintf(ratio, sizeof ratio, "%.2f", (after - before) / 1024.0);
    row("center memory (RSS growth) at " + std::to_string(r.ok) + " accepted actas", buf,
        "1024 MiB", ratio, "< 1.00");
    std::snprintf(buf, sizeof buf, "%.0f /s", r.Rate());
    row("ingest throughput during the memory run", buf, "", "", "");
    center->Stop();
  }

  nlohmann::json out = {
      {"title", "Center ingest"},
      {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
      {"rows", rows},
      {"notes",
       {"Load generator and center share the 2-core machine (one process, loopback); "
        "the limit is what the signature checks alone would allow on all cores.",
        std::to_string(tables) + " distinct actas, MAC-authenticated terminal lane.",
        "Disk fdatasync p99 / max: a probe appending 512 bytes and fdatasyncing them every "
        "20 ms on the store's filesystem during the same load (bench/fsync_probe.h); every "
        "acceptance waits for an fsync, so a stall of the disk shows in the latency p99."}}};
  std::string text = out.dump(2);
  if (out_path.empty()) {
    std::printf("%s\n", text.c_str());
  } else {
    std::ofstream(out_path) << text << "\n";
  }
  std::filesystem::remove_all(root);
  return 0;
}
