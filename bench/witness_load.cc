// Witness benchmark (issue #16): cosignatures per second of one witness,
// each made durable (SQLite, fsync) before it is returned, in process and
// over loopback HTTP, against the disk's own fdatasync rate measured in the
// same run; and center ingest with three witnesses collecting cosignatures
// against the same center without, in alternating rounds. Writes a table
// for docs/PERFORMANCE.md (bench/report.py).
//
//   witness_load [--cosigns N] [--tables N] [--rounds R] [--out FILE]
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/bench_election.h"
#include "center/center.h"
#include "log/checkpoint.h"
#include "log/hasher.h"
#include "log/merkle.h"
#include "sim/demo_setup.h"
#include "terminal/http_client.h"
#include "witness/add_checkpoint.h"
#include "witness/witness_service.h"

namespace acta::bench {
namespace {

using Clock_ = std::chrono::steady_clock;

double Since(Clock_::time_point t) {
  return std::chrono::duration<double>(Clock_::now() - t).count();
}

// The disk's limit for a witness: 512-byte appends, each fdatasynced, in a
// loop for `seconds`.
double FdatasyncRate(const std::filesystem::path& dir, double seconds) {
  const std::string path = (dir / "fdatasync-rate").string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return 0;
  char buf[512] = {};
  uint64_t n = 0;
  const auto start = Clock_::now();
  while (Since(start) < seconds) {
    if (::write(fd, buf, sizeof buf) != static_cast<ssize_t>(sizeof buf) || ::fdatasync(fd) != 0) {
      break;
    }
    ++n;
  }
  const double rate = static_cast<double>(n) / Since(start);
  ::close(fd);
  std::filesystem::remove(path);
  return rate;
}

// `n` add-checkpoint bodies growing one log by one entry each (old = the
// previous size, a consistency proof), signed by `key`.
std::vector<std::string> GrowingLog(const NamedSigningKey& key, const std::string& origin,
                                    uint64_t n) {
  log::MerkleTree tree;
  std::vector<std::string> bodies;
  for (uint64_t size = 1; size <= n; ++size) {
    tree.Append(log::HashLeaf(AsBytes("entry " + std::to_string(size))));
    witness::AddCheckpointRequest r;
    r.old_size = size - 1;
    if (r.old_size > 0) r.proof = tree.ConsistencyProof(size - 1, size).value();
    r.checkpoint = log::SignCheckpoint({origin, size, tree.Root(), {}}, key);
    bodies.push_back(witness::FormatAddCheckpoint(r));
  }
  return bodies;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  using namespace acta;
  using namespace acta::bench;
  InitCrypto();
  uint64_t cosigns = 2000;
  uint32_t tables = 20000;
  int rounds = 3;
  std::string out_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--cosigns") {
      cosigns = std::stoull(argv[i + 1]);
    } else if (a == "--tables") {
      tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    } else if (a == "--rounds") {
      rounds = std::max(1, std::stoi(argv[i + 1]));
    } else if (a == "--out") {
      out_path = argv[i + 1];
    } else {
      std::fprintf(stderr,
                   "usage: witness_load [--cosigns N] [--tables N] [--rounds R] [--out FILE]\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  auto root =
      std::filesystem::temp_directory_path() / ("acta-witness-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  SystemClock clock;

  // 1. One witness: cosignatures per second, in process and over HTTP.
  const NamedSigningKey log_key = NamedSigningKey::From("bench-log", Seed{1});
  const std::string origin = "bench.example/log";
  const auto bodies = GrowingLog(log_key, origin, cosigns);
  const double fsync_rate = FdatasyncRate(root, 2.0);
  double direct_rate = 0, http_rate = 0;
  {
    witness::WitnessServiceOptions wo;
    wo.state_path = (root / "direct.db").string();
    wo.logs = {{origin, {log_key.verifier()}}};
    auto s = witness::WitnessService::Start(NamedCosignerKey::From("bench-witness", Seed{2}),
                                            std::move(wo), clock);
    if (!s) {
      std::fprintf(stderr, "witness: %s\n", s.error().ToString().c_str());
      return 1;
    }
    const auto start = Clock_::now();
    for (const auto& b : bodies) {
      if ((*s)->witness().AddCheckpoint(b).status != 200) {
        std::fprintf(stderr, "witness refused a checkpoint\n");
        return 1;
      }
    }
    direct_rate = static_cast<double>(bodies.size()) / Since(start);
  }
  {
    witness::WitnessServiceOptions wo;
    wo.state_path = (root / "http.db").string();
    wo.logs = {{origin, {log_key.verifier()}}};
    auto s = witness::WitnessService::Start(NamedCosignerKey::From("bench-witness", Seed{2}),
                                            std::move(wo), clock);
    if (!s) return 1;
    http::HttpClientOptions co;
    co.base_url = "http://127.0.0.1:" + std::to_string((*s)->port());
    auto client = http::HttpClient::Create(co);
    if (!client) return 1;
    const auto start = Clock_::now();
    for (const auto& b : bodies) {
      auto r = (*client)->Post("/add-checkpoint", AsBytes(b));
      if (!r || r->status != 200) {
        std::fprintf(stderr, "witness over HTTP refused a checkpoint\n");
        return 1;
      }
    }
    http_rate = static_cast<double>(bodies.size()) / Since(start);
  }
  std::fprintf(stderr, "fdatasync %.0f/s; cosign in process %.0f/s, over HTTP %.0f/s\n", fsync_rate,
               direct_rate, http_rate);

  // 2. Ingest with three witnesses (quorum 2) collecting, and without,
  // alternating so that a drift of the machine hits both.
  BenchElection e = MakeBenchElection(tables, root, 1, 3);
  auto requests = PrepareTerminalRequests(e);
  std::vector<double> with, without, quorum_ms;
  uint64_t cosignatures = 0, failures = 0;
  for (int round = 0; round < rounds; ++round) {
    for (bool witnesses : {false, true}) {
      const std::string tag = std::to_string(round) + (witnesses ? "w" : "n");
      std::filesystem::create_directories(root / tag);
      std::map<std::string, std::string> urls;
      std::vector<std::unique_ptr<witness::WitnessService>> running;
      if (witnesses) {
        auto w = sim::demo_internal::StartWitnesses(e.synth->election, (root / tag).string(), clock,
                                                    urls);
        if (!w) {
          std::fprintf(stderr, "witnesses: %s\n", w.error().ToString().c_str());
          return 1;
        }
        running = std::move(*w);
      }
      auto center = StartBenchCenter(e, "sqlite:" + (root / tag / "center.db").string(), 0, clock,
                                     {}, [&](center::CenterOptions& o) {
                                       o.collect_cosignatures = witnesses;
                                       o.witness_urls = urls;
                                     });
      bench::LoadOptions lo;
      lo.port = center->ingest_port();
      LoadResult r = RunLoad(lo, requests);
      WaitLogSize(*center, r.ok);
      (witnesses ? with : without).push_back(r.Rate());
      if (witnesses) {
        // How long the last checkpoint waits for the quorum once the load
        // is over (bounded: 30 s).
        const auto done = Clock_::now();
        if (sim::demo_internal::WaitForQuorum(*center, std::chrono::seconds(30)))
          quorum_ms.push_back(Since(done) * 1000);
        for (const auto& s : center->cosignatures()->Status()) {
          cosignatures += s.cosignatures;
          failures += s.failures;
        }
      }
      std::fprintf(stderr, "round %d %s witnesses: %.0f actas/s\n", round,
                   witnesses ? "with" : "without", r.Rate());
      center->Stop();
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  auto spread = [](const std::vector<double>& v) {
    std::string s;
    char b[32];
    for (double x : v) {
      std::snprintf(b, sizeof b, "%s%.0f", s.empty() ? "" : ", ", x);
      s += b;
    }
    return s;
  };

  nlohmann::json rows = nlohmann::json::array();
  char buf[256], lim[128], ratio[64];
  std::snprintf(buf, sizeof buf, "%.0f /s", direct_rate);
  std::snprintf(lim, sizeof lim, "%.0f /s (512-byte append + fdatasync loop, same disk)",
                fsync_rate);
  std::snprintf(ratio, sizeof ratio, "%.2f", direct_rate / fsync_rate);
  rows.push_back({"cosignatures of one witness, in process (each durable before it is returned)",
                  buf, lim, ratio, ""});
  std::snprintf(buf, sizeof buf, "%.0f /s", http_rate);
  std::snprintf(ratio, sizeof ratio, "%.2f", http_rate / fsync_rate);
  rows.push_back({"cosignatures of one witness, add-checkpoint over loopback HTTP, one client", buf,
                  lim, ratio, ""});
  const double w = median(with), n = median(without);
  std::snprintf(buf, sizeof buf, "%.0f actas/s (rounds: %s)", w, spread(with).c_str());
  std::snprintf(lim, sizeof lim, "%.0f actas/s without witnesses (rounds: %s)", n,
                spread(without).c_str());
  std::snprintf(ratio, sizeof ratio, "%.2f", n > 0 ? w / n : 0.0);
  rows.push_back({"center ingest with 3 witnesses collecting (quorum 2), median of rounds", buf,
                  lim, ratio, "within noise of 1.00"});
  std::snprintf(buf, sizeof buf, "%.0f ms (rounds: %s)", median(quorum_ms),
                spread(quorum_ms).c_str());
  rows.push_back({"last checkpoint: end of load to the witness quorum", buf, "", "", ""});
  std::snprintf(buf, sizeof buf, "%llu cosignatures, %llu failed requests",
                static_cast<unsigned long long>(cosignatures),
                static_cast<unsigned long long>(failures));
  rows.push_back({"collected during the runs with witnesses (all witnesses)", buf, "", "", ""});
  nlohmann::json out = {
      {"title", "Witnesses"},
      {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
      {"rows", rows},
      {"notes",
       {std::to_string(cosigns) + " checkpoints, each one entry larger, submitted in order to a "
                                  "fresh witness (SQLite WAL, synchronous=FULL).",
        std::to_string(tables) + " tables sent once each by the ingest load generator, " +
            std::to_string(rounds) +
            " rounds alternating without and with witnesses; the three witnesses run in the same "
            "process as the center, on the same 2 cores and disk."}}};
  const std::string text = out.dump(2);
  if (out_path.empty()) {
    std::printf("%s\n", text.c_str());
  } else {
    std::ofstream(out_path) << text << "\n";
  }
  std::filesystem::remove_all(root);
  return 0;
}
