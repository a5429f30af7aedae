// One measurement of the attack benchmark: a fresh center process (fresh
// SQLite store), the fixed legit terminal load from the in-process load
// generator, optionally with an `acta attack` process flooding the same
// ingest listener, and the center's CPU time and peak memory over the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/attack_load_children.h"
#include "bench/fsync_probe.h"
#include "bench/load_generator.h"

namespace acta::bench {

struct RowSetup {
  std::string acta;          // the acta binary
  std::string election_dir;  // sim::WriteElectionDir output
  std::string work_dir;      // stores and logs of each row
  int center_threads = 0;    // 0: the center's default
  double legit_rate = 200;   // legit actas per second (paced, open loop)
  int legit_connections = 16;
  // Legit terminals connect from another loopback /24 than the attacker
  // (127.0.0.1): the center's per-source caps are per /24, and real
  // terminals do not share the attacker's network.
  std::string legit_source = "127.0.1.1";
  std::chrono::milliseconds legit_duration{8'000};
  int attack_concurrency = 32;
  // Slowloris holds rate / 10 connections, within [attack_concurrency, this].
  int slowloris_max_connections = 1000;
  const std::vector<PreparedRequest>* legit = nullptr;  // rate x duration distinct actas
  // Submitted once before a replay flood, so the replays are of actas the
  // center already has (the tool replays the first tables' truth actas).
  const std::vector<PreparedRequest>* replay_seed = nullptr;
};

struct RowResult {
  std::string mode;        // "" for legit alone
  double multiplier = 0;   // attack rate / legit rate
  double attack_rate = 0;  // offered
  std::string error;       // non-empty: the row could not be measured
  LoadResult legit;
  std::optional<AttackOutcome> attack;
  double center_cpu = 0;  // CPU seconds per wall second during the legit load
  uint64_t center_peak_rss_kb = 0;
  FsyncStats disk;  // the store's disk during the legit load (FsyncProbe, every 20 ms)
};

// Runs one row (index names its store and log files). Bounded: the legit
// load has duration + 60 s before the center is killed, the attacker
// duration + 4 s plus 60 s.
RowResult RunRow(const RowSetup& setup, const std::string& mode, double multiplier, int index);

}  // namespace acta::bench
