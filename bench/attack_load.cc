// The "Under attack" benchmark (issue #6): on one machine, in one go,
//  1. a fixed legit terminal load alone (actas/s, acceptance p50/p99);
//  2. the same load while each `acta attack` mode floods the ingest
//     listener at 10x and 50x the legit rate (legit throughput ratio, p99,
//     rejected/s, center CPU and peak memory; goal at 10x: ratio >= 0.9 and
//     p99 <= 2x alone);
//  3. lane isolation: legit p99 under a public-lane forged flood at 50x;
//  4. the wrong-MAC refusal: CPU per refused request of the center beside
//     nginx `return 403;` under the same wrk load (keep-alive POSTs);
//  5. `acta demo` to 100% of tables with and without --attack.
// The center, attackers, nginx, wrk and the demo are child processes; the
// legit load is the in-process generator (bench/load_generator.h). Writes
// bench/report.py tables (attack, attack_lanes, reject, demo_attack) to
// --out-dir and prints them.
//
//   attack_load [--acta PATH] [--out-dir DIR] [--seconds-per-row S] [--modes a,b]
//               [--multipliers 10,50] [--legit-rate R] [--demo-tables N (0: skip)]
//               [--reject-seconds S (0: skip)] [--tables N] [--threads T] ... (see Usage)
// Defaults (8 s rows, 200 legit actas/s, 30,000-table demo) take about 6
// minutes; --acta defaults to BUILD/src/cli/acta beside BUILD/bench/.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/attack_load_sections.h"
#include "core/election_secrets.h"
#include "sim/synth.h"

namespace acta::bench {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream parts(s);
  for (std::string p; std::getline(parts, p, ',');) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

std::string DefaultActa() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path().parent_path() / "src/cli/acta").string();
}

// Valid terminal requests (truth acta, valid MAC) for tables [from, to).
std::vector<PreparedRequest> SignedRequests(const sim::SynthResult& synth, size_t from, size_t to) {
  const ElectionMaterial& m = synth.election;
  Truth truth(m.manifest, m.truth);
  std::vector<PreparedRequest> out(to - from);
  auto sign = [&](size_t a, size_t b) {
    for (size_t i = a; i < b; ++i) {
      ActaBody body = truth.BodyFor(i);
      body.closing_time = m.manifest.polls_close_not_before + 60;
      Acta acta = *SignActa(body, SigningKey::FromSeed(m.table_seeds[i]));
      Mac mac = ComputeMac(DeriveTransportKey(m.transport_master, acta.body.table_id), acta.bytes);
      out[i - from] = {acta.bytes, Base64Encode(mac)};
    }
  };
  const size_t mid = from + (to - from) / 2;
  std::thread t(sign, from, mid);
  sign(mid, to);
  t.join();
  return out;
}

int Usage() {
  std::fprintf(stderr,
               "usage: attack_load [--acta PATH] [--out-dir DIR] [--seconds-per-row S]\n"
               "  [--modes junk,garbage,...] [--multipliers 10,50] [--legit-rate R]\n"
               "  [--legit-connections C] [--attack-concurrency C] [--tables N] [--threads T]\n"
               "  [--reject-seconds S (0: skip)] [--reject-rounds N] [--reject-connections C]\n"
               "  [--wrk-threads T] [--demo-tables N (0: skip)] [--lane-bound X]\n"
               "  [--rows 0|1 (0: skip the attack and lane tables)]\n");
  return 2;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  using namespace acta;
  using namespace acta::bench;
  InitCrypto();
  BenchConfig cfg;
  cfg.acta = DefaultActa();
  std::string out_dir;
  std::vector<std::string> modes = {"junk",     "garbage",   "wrong_mac", "forged", "replay",
                                    "conflict", "oversized", "slowloris", "storm",  "mix"};
  std::vector<double> multipliers = {10, 50};
  double seconds_per_row = 8;
  uint32_t tables = 30'000;
  const std::map<std::string, std::function<void(const std::string&)>> flags = {
      {"--acta", [&](const std::string& v) { cfg.acta = v; }},
      {"--out-dir", [&](const std::string& v) { out_dir = v; }},
      {"--seconds-per-row", [&](const std::string& v) { seconds_per_row = std::stod(v); }},
      {"--modes", [&](const std::string& v) { modes = SplitList(v); }},
      {"--multipliers",
       [&](const std::string& v) {
         multipliers.clear();
         for (const auto& m : SplitList(v)) multipliers.push_back(std::stod(m));
       }},
      {"--legit-rate", [&](const std::string& v) { cfg.row.legit_rate = std::stod(v); }},
      {"--legit-connections",
       [&](const std::string& v) { cfg.row.legit_connections = std::stoi(v); }},
      {"--attack-concurrency",
       [&](const std::string& v) { cfg.row.attack_concurrency = std::stoi(v); }},
      {"--tables", [&](const std::string& v) { tables = static_cast<uint32_t>(std::stoul(v)); }},
      {"--threads", [&](const std::string& v) { cfg.row.center_threads = std::stoi(v); }},
      {"--reject-seconds", [&](const std::string& v) { cfg.reject_seconds = std::stoi(v); }},
      {"--reject-rounds", [&](const std::string& v) { cfg.reject_rounds = std::stoi(v); }},
      {"--reject-connections",
       [&](const std::string& v) { cfg.reject_connections = std::stoi(v); }},
      {"--wrk-threads", [&](const std::string& v) { cfg.wrk_threads = std::stoi(v); }},
      {"--demo-tables",
       [&](const std::string& v) { cfg.demo_tables = static_cast<uint32_t>(std::stoul(v)); }},
      {"--lane-bound", [&](const std::string& v) { cfg.lane_bound = std::stod(v); }},
      {"--rows", [&](const std::string& v) { cfg.run_rows = v != "0"; }},
  };
  try {
    for (int i = 1; i < argc; i += 2) {
      auto flag = flags.find(argv[i]);
      if (flag == flags.end() || i + 1 >= argc) return Usage();
      flag->second(argv[i + 1]);
    }
  } catch (const std::exception&) {
    return Usage();
  }
  if (seconds_per_row <= 0 || seconds_per_row > 600 || cfg.row.legit_rate <= 0 ||
      cfg.row.legit_rate > 100'000 || access(cfg.acta.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "attack_load: bad bounds, or no acta binary at %s (--acta)\n",
                 cfg.acta.c_str());
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  const auto started = std::chrono::steady_clock::now();
  const auto root =
      std::filesystem::temp_directory_path() / ("acta-attack-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);

  // The attacker replays the first kMaxReplay tables' truth actas; the legit
  // terminals are the tables after them, so a replay is never a legit first.
  constexpr size_t kReplayTables = 4096;
  const size_t legit_count = static_cast<size_t>(cfg.row.legit_rate * seconds_per_row);
  tables = std::max<uint32_t>(tables, static_cast<uint32_t>(kReplayTables + legit_count + 1));
  std::fprintf(stderr, "attack_load: synthesizing %u tables...\n", tables);
  sim::SynthOptions so;
  so.tables = tables;
  so.seed = 77;
  auto synth = sim::SynthesizeElection(so);
  const std::string election_dir = (root / "election").string();
  if (!synth || !sim::WriteElectionDir(election_dir, *synth)) {
    std::fprintf(stderr, "attack_load: cannot synthesize the election\n");
    return 1;
  }
  const auto legit = SignedRequests(*synth, kReplayTables, kReplayTables + legit_count);
  const auto replay_seed = SignedRequests(*synth, 0, kReplayTables);
  cfg.row.acta = cfg.acta;
  cfg.row.election_dir = election_dir;
  cfg.row.work_dir = root.string();
  cfg.row.legit_duration = std::chrono::milliseconds(static_cast<int64_t>(seconds_per_row * 1000));
  cfg.row.legit = &legit;
  cfg.row.replay_seed = &replay_seed;
  cfg.wrong_mac_body = legit.front().body;

  const Sections sections = RunSections(cfg, modes, multipliers);
  for (const auto& [name, table] : sections) {
    std::printf("%s\n", RenderText(table).c_str());
    if (!out_dir.empty()) {
      std::filesystem::create_directories(out_dir);
      std::ofstream(out_dir + "/" + name + ".json") << table.dump(2) << "\n";
    }
  }
  std::fprintf(stderr, "attack_load: done in %.0f s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  return 0;
}
