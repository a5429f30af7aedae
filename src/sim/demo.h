// `acta demo`: the whole system on one machine. Synthesizes an election,
// starts a center on SQLite in a work directory (or, with sites = 3, one
// center per site on a local three-site Patroni/etcd cluster, one of whose
// sites goes dark mid-run: sim/demo_sites.h), runs every table's
// terminal (the real terminal code, fleet.h) through the emulated
// election-night network (shaping_proxy.h) with a blackout of one state and,
// optionally, a center restart and a lossy network, shows progress and
// bulletins, and at the end checks that every table holds a receipt, that
// every table's counted result equals the synthetic truth, and runs the
// public verifier over everything the center published.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "core/error.h"

namespace acta::sim {

struct DemoOptions {
  uint32_t tables = 30'000;
  uint64_t seed = 1;
  std::string workdir;  // empty: a fresh directory under /tmp, removed at the end
  bool keep_workdir = false;
  bool emulation = true;
  // State code ("VE-05"), "auto" (a seeded pick) or "none".
  std::string blackout_state = "auto";
  bool center_restart = false;
  // The center key moves into a SoftHSM2 token in the work directory and
  // the center signs from there (sim/demo_token.h); the latest checkpoint
  // is saved as WORKDIR/checkpoint for any signed-note verifier.
  bool token = false;
  bool lossy = false;  // extra loss and cuts over every link
  // Floods the center's ingest listener (acta attack, mode mix) during the
  // window, straight from "the Internet" (not through the emulated WAN).
  bool attack = false;
  double attack_rate = 2'000;  // requests per second
  bool verify = true;
  // After the count: a risk-limiting audit of the first contest with hand
  // counts simulated from the truth (sim/demo_audit.h); `paper_errors`
  // tables' paper disagrees with their acta.
  bool audit = false;
  uint32_t paper_errors = 0;
  bool monitor = true;  // an observers' monitor follows the log during the night
  bool serve = false;   // keep the center running after the run, until SIGINT/SIGTERM
  // The dashboard served on the public listener; empty: found as
  // center/web_root.h says (installed path, then the build tree).
  std::string web_root;
  bool json = false;  // machine-readable summary on stdout (the rest goes to stderr)
  // Compressed polls-close window: terminals close uniformly within it.
  // 0: 20 s for 30,000 tables, growing with the table count so the arrival
  // rate stays near what 2 cores absorb.
  std::chrono::milliseconds window{0};
  size_t workers = 0;  // terminal worker threads; 0: min(tables, 1024)
  // 3: the store is a local three-site PostgreSQL cluster replicated by
  // Patroni with etcd (sim/demo_sites.h), one center per site, and the
  // primary's whole site goes dark at 0.40 W. 1: one center on SQLite.
  int sites = 1;
  std::string ha_dir;     // a running cluster (ha-cluster.sh up) to use; "": bring one up
  std::string ha_script;  // scripts/ha-cluster.sh; "": found beside the binary or in the source
  std::chrono::seconds bulletin_every{5};
  std::chrono::seconds give_up_after{120};  // after the window: actas still undelivered are lost
};

struct DemoSummary {
  uint64_t tables = 0;
  uint64_t delivered = 0;
  uint64_t counted = 0;
  uint64_t truth_mismatches = 0;
  bool verified = false;  // the public verifier found no problem
  bool verify_ran = false;
  uint64_t attempts = 0;
  uint64_t retries = 0;
  double wall_seconds = 0;  // whole run
  double synth_seconds = 0;
  double send_seconds = 0;  // first close to last receipt
  double p90_seconds = -1, p99_seconds = -1,
         p100_seconds = -1;  // receipts, from the window's start
  double verify_seconds = 0;
  uint64_t peak_rss_kb = 0;
  bool audit_ran = false;
  std::string audit_status;  // "risk_limit_met", "full_count" (in_progress: ran out of rounds)
  uint32_t audit_rounds = 0;
  bool audit_verified = false;   // `acta audit verify` recomputed every file
  bool audit_published = false;  // and the center serves it
  // The monitor beside the center (DemoMonitor): lag from a checkpoint's
  // publication to its verdict, and the alarms it raised (none expected).
  bool monitor_ran = false;
  uint64_t monitor_checkpoints = 0;
  uint64_t monitor_alarms = 0;
  uint64_t monitor_conflicts = 0;
  double monitor_lag_p50_ms = 0, monitor_lag_p99_ms = 0;
  double monitor_cpu_seconds = 0;
  // --sites 3: the site that went dark, how long ingest stalled (from the
  // blackout to the first receipt for an acta first sent after it) and
  // until the log grew again, and the checks over the whole night.
  bool sites_ran = false;
  int site_down = 0;  // 0: the blackout did not happen
  double ingest_resumed_seconds = -1, log_grew_seconds = -1;
  bool sites_checked = false;
  uint64_t receipts_missing = 0;  // receipted actas not in the log
  uint64_t checkpoints_seen = 0;  // during the night, or stored
  uint64_t forks = 0;             // of those, not extended by the final log
  bool ok() const {
    return delivered == tables && counted == tables && truth_mismatches == 0 &&
           (!verify_ran || verified) && (!audit_ran || (audit_verified && audit_published)) &&
           monitor_alarms == 0 &&
           (!sites_ran || (site_down > 0 && receipts_missing == 0 && forks == 0));
  }
};

// Runs the demo, printing to stdout/stderr. Errors: setup failures (work
// directory, synthesis, center start); a run that loses actas or miscounts
// returns a summary whose ok() is false.
Result<DemoSummary> RunDemo(const DemoOptions& options);

}  // namespace acta::sim
