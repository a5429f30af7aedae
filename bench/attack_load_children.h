// The `acta` processes the attack benchmark drives: a center (`acta center`,
// ports read from the URLs it prints), an attacker (`acta attack`, its
// end-of-run table parsed) and the end-to-end demo (`acta demo --json`).
// All bounded in time: every wait has a deadline, past which the child is
// killed.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bench/attack_load_proc.h"
#include "core/error.h"

namespace acta::bench {

struct CenterProcess {
  std::unique_ptr<ChildProcess> child;
  uint16_t ingest_port = 0;
  uint16_t public_port = 0;
};

struct CenterLaunch {
  std::string acta;          // path of the acta binary
  std::string election_dir;  // from sim::WriteElectionDir (secrets/center.key inside)
  std::string db_path;       // SQLite file, created fresh
  std::string log_path;      // the center's stdout and stderr
  int threads = 0;           // --threads; 0: the center's default (one per core)
};

// Starts `acta center` on 127.0.0.1 ephemeral ports and waits (30 s at
// most) for the "ingest URL" / "public URL" lines. Errors: kUnavailable
// when it exits or stays silent (the log path is named).
Result<CenterProcess> StartCenterProcess(const CenterLaunch& launch);
// SIGTERM (graceful stop), then at most `timeout` before SIGKILL. Returns
// the exit code.
int StopCenterProcess(CenterProcess& center, std::chrono::milliseconds timeout);

struct AttackLaunch {
  std::string acta;
  std::string election_dir;  // --election: manifest and secrets
  std::string mode;          // sim::AttackModeName
  uint16_t port = 0;         // the center's ingest port on 127.0.0.1
  double rate = 0;
  int concurrency = 0;
  std::chrono::milliseconds duration{0};
  uint64_t seed = 1;
};

// What `acta attack` reported at the end of its run (its "total" row).
struct AttackOutcome {
  uint64_t sent = 0;
  std::map<int, uint64_t> statuses;
  std::map<std::string, uint64_t> errors;
  double seconds = 0;
  std::string text;  // the tool's whole table

  // Responses with a 4xx or 5xx status: requests the center turned away.
  uint64_t rejected() const;
  uint64_t error_count() const;
  // "401:12345 503:7", the statuses as the tool prints them.
  std::string StatusText() const;
};

// Parses FormatAttackReport's table. Errors: kInvalidArgument when there
// is no "total" row or no summary line.
Result<AttackOutcome> ParseAttackOutput(const std::string& text);

// Spawns `acta attack` (count = rate x duration) and returns once it is
// sending: its first progress line (60 s at most, covering the replay
// signing it does first). Errors: kUnavailable when it exits first.
Result<std::unique_ptr<ChildProcess>> StartAttack(const AttackLaunch& launch);
// Waits for the attacker's own end (at most `timeout`) and parses its table.
Result<AttackOutcome> FinishAttack(ChildProcess& attacker, std::chrono::milliseconds timeout);

struct DemoOutcome {
  bool ok = false;
  uint64_t tables = 0;
  uint64_t counted = 0;
  double window_seconds = 0;
  double p100_seconds = -1;  // last receipt, from the window's start
  double wall_seconds = 0;
  double peak_rss_mb = 0;
};

// `acta demo --json --tables N --no-verify [--attack]`, at most `timeout`.
// Errors: kUnavailable when it fails or prints no JSON summary.
Result<DemoOutcome> RunDemoProcess(const std::string& acta, uint32_t tables, bool attack,
                                   const std::string& log_path, std::chrono::milliseconds timeout);

}  // namespace acta::bench
