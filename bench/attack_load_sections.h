// The sections of the attack benchmark (bench/attack_load.cc), each a
// bench/report.py plain table {"title","columns","rows","notes"}:
//   attack        legit terminal load alone and under every mode x multiplier
//   attack_lanes  lane isolation: legit p99 under a public-lane flood
//   reject        wrong-MAC refusals: CPU per refused request, the center
//                 against nginx `return 403;`, same wrk load
//   demo_attack   `acta demo` to 100% with and without --attack
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "bench/attack_load_rows.h"
#include "core/bytes.h"

namespace acta::bench {

struct BenchConfig {
  std::string acta;
  RowSetup row;
  int reject_seconds = 5;          // per wrk run; 0 skips the section
  int reject_rounds = 7;           // nginx then center, paired; judged on the median ratio
  double reject_cpu_bound = 1.10;  // center / nginx CPU per refused request
  int reject_connections = 32;
  int wrk_threads = 1;
  Bytes wrong_mac_body;           // a real acta, sent with a wrong Acta-Mac
  uint32_t demo_tables = 30'000;  // 0 skips the section
  double lane_bound = 2.0;        // legit p99 under a public-lane flood / alone
  double goal_ratio = 0.9;        // legit throughput under attack / alone, at 10x
  double goal_p99 = 2.0;          // legit p99 under attack / alone, at 10x
  bool run_rows = true;           // false skips the attack and attack_lanes sections
};

using Sections = std::vector<std::pair<std::string, nlohmann::json>>;

// Runs everything (progress on stderr) and returns the tables in order.
Sections RunSections(const BenchConfig& config, const std::vector<std::string>& modes,
                     const std::vector<double>& multipliers);

// A table as Markdown-style text rows, with its title and notes.
std::string RenderText(const nlohmann::json& table);

}  // namespace acta::bench
