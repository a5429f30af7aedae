// Verifier benchmark (issue: the public verifier, "Performance"): builds a
// dump the way a center publishes it (entry bundles, a checkpoint every 256
// entries, the latest bulletin, tables.csv) in memory, then times
// verify::VerifyFiles on it with 1 and with all cores, against the raw
// libsodium verify rate x cores measured in the same run.
//
//   verify_load [--tables N] [--out FILE]      (default 1,000,000)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

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

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Run(uint32_t tables, const std::string& out_path) {
  PublishedLog log = BuildPublishedLog(tables);
  const verify::MemoryFiles& files = log.files;
  const std::vector<Bytes>& entries = log.entries;
  // Raw limit: libsodium verify of the same actas' signatures on one core.
  const double raw = RawVerifyRate(log);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  nlohmann::json rows = nlohmann::json::array();
  char buf[128], lim[128], ratio[64];
  std::snprintf(buf, sizeof buf, "%.0f /s", raw);
  rows.push_back({"raw libsodium Ed25519 verify, 1 core", buf, "", "", ""});
  for (unsigned threads : {1u, cores}) {
    verify::VerifyOptions vo;
    vo.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    verify::Report r = verify::VerifyFiles(files, vo);
    const double secs = Seconds(start);
    MUST(r.ok());
    MUST(r.entries == entries.size());
    const double rate = static_cast<double>(entries.size()) / secs;
    std::fprintf(stderr, "verify: %zu entries, %u threads: %.2f s, %.0f entries/s\n",
                 entries.size(), threads, secs, rate);
    std::snprintf(buf, sizeof buf, "%.1f s, %.0f entries/s", secs, rate);
    std::snprintf(lim, sizeof lim, "%.0f /s (raw verify x %u)", raw * threads, threads);
    std::snprintf(ratio, sizeof ratio, "%.2f", rate / (raw * threads));
    rows.push_back({"verify a dump of " + std::to_string(entries.size()) +
                        " actas (signatures, tree, " + std::to_string(r.checkpoints) +
                        " checkpoints, totals, CSV), " + std::to_string(threads) + " thread(s)",
                    buf, lim, ratio, threads == cores ? "≥ 0.80" : ""});
  }
  nlohmann::json out = {{"title", "Public verifier"},
                        {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
                        {"rows", rows},
                        {"notes",
                         {"The dump is built in memory the way a center publishes it; reading "
                          "it from disk adds little (sequential files)."}}};
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
