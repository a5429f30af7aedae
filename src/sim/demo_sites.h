// The pieces of `acta demo --sites 3` (issue #15, docs/OPERATIONS.md "Three
// sites"): the store is a local three-site PostgreSQL 15 cluster replicated
// synchronously by Patroni with etcd (scripts/ha-cluster.sh: per site one
// etcd member, one Patroni and its PostgreSQL), one center runs per site
// with --require-sync-standby, and in the middle of the night the current
// primary's whole site goes dark. Afterwards every receipt a terminal holds
// must name an acta in the log, and no checkpoint published during the
// night may be one the final log does not extend (a fork).
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "center/center.h"
#include "core/error.h"
#include "core/manifest.h"
#include "sim/demo.h"
#include "sim/fleet.h"
#include "verify/state.h"

namespace acta::sim::demo_internal {

// A Debian package the cluster needs and a file that shows it is installed.
struct HaPackage {
  const char* package;
  const char* file;
};
const std::vector<HaPackage>& HaPackages();

// The packages whose file `exists` does not find, in HaPackages() order.
std::vector<std::string> MissingHaPackages(const std::function<bool(const std::string&)>& exists);

// kFailedPrecondition naming every package in `missing` and how to install
// them (scripts/install-deps.sh); Ok when `missing` is empty.
Status HaPackagesStatus(const std::vector<std::string>& missing);
// HaPackagesStatus of what this machine lacks.
Status CheckHaPackages();

// scripts/ha-cluster.sh: `requested` (--ha-script) if non-empty, else
// <dir of acta>/../share/acta/scripts/ha-cluster.sh, else the source tree's.
// kNotFound naming the places tried.
Result<std::string> FindHaScript(std::string_view requested);

// A demo that brings its own cluster up (SitesCluster::Open without a
// directory) writes "<dir>.owner" beside it: its pid and its process start
// time (so a reused pid is not taken for it). A demo ended from outside
// (kill -9, or SIGTERM/SIGINT, which end it without unwinding) leaves that
// cluster's etcd, Patroni and PostgreSQL running. Takes down, with
// `script` down, every "acta-sites-*" directory under `parent` whose owner
// no longer runs, and removes its owner file; a directory without an owner
// file, or whose owner runs, is left alone. Returns the directories taken
// down.
std::vector<std::string> SweepAbandonedClusters(const std::string& script,
                                                const std::string& parent);
// The owner line for the process `pid` ("PID STARTTIME"), or empty if no
// such process runs.
std::string OwnerLine(int pid);

// The three-site cluster, driven through ha-cluster.sh, and a database of
// this run's own on it.
class SitesCluster {
 public:
  // With `ha_dir` empty brings a fresh cluster up in a new directory under
  // /tmp (taken down again by the destructor); otherwise uses the running
  // cluster of that ACTA_HA_DIR, which the destructor leaves running (the
  // caller restores what it broke). Errors: kUnavailable with the script's
  // output when it fails.
  static Result<std::unique_ptr<SitesCluster>> Open(std::string script, std::string ha_dir);
  ~SitesCluster();

  // The multi-host URL of this run's database (target_session_attrs=read-write).
  const std::string& db_url() const { return db_url_; }
  bool own() const { return own_; }
  // Site number (1..3) of the current primary.
  Result<int> Primary();
  // kill -9 of the primary's etcd member, Patroni and PostgreSQL.
  struct Blackout {
    int site = 0;
    uint64_t unix_ms = 0;  // when the kills were done
  };
  Result<Blackout> BlackoutPrimary();
  // Starts the site's etcd and Patroni again and waits (at most `limit`)
  // until the cluster has a synchronous standby.
  Status Restore(int site, std::chrono::seconds limit);
  // One line per site (ha-cluster.sh status).
  std::string StatusLines();

 private:
  SitesCluster(std::string script, std::string dir, bool own)
      : script_(std::move(script)), dir_(std::move(dir)), own_(own) {}
  // Runs the script with `args`; its output (stdout and stderr).
  Result<std::string> Run(const std::string& args, const std::string& env = "");

  const std::string script_;
  const std::string dir_;
  const bool own_;
  std::string admin_url_;  // the cluster's postgres database
  std::string db_name_, db_url_;
};

// Every checkpoint the centers published during the night (polled from
// each live center), and when the log grew again after the fault.
class CheckpointsSeen {
 public:
  using Time = std::chrono::steady_clock::time_point;
  void Poll(center::Center& c, Time now);
  // The fault happened at `at` (`unix_ms` on the centers' clock).
  void MarkFault(Time at, uint64_t unix_ms);
  // Seconds from the fault until a center published a checkpoint signed
  // after it that covers more than the log held before it: the log grows
  // again on the new primary. (A checkpoint a follower publishes late may
  // have been signed before the fault; it does not count.) nullopt if none
  // was seen.
  std::optional<double> grew_after_fault_s() const;
  const std::vector<verify::RememberedCheckpoint>& all() const { return all_; }

 private:
  std::vector<verify::RememberedCheckpoint> all_;  // distinct notes
  std::optional<Time> fault_;
  uint64_t fault_unix_ms_ = 0;
  std::optional<Time> grew_at_;
};

struct SitesCheck {
  bool ran = false;
  uint64_t receipts = 0;
  uint64_t receipts_missing = 0;  // receipted actas not in the log
  uint64_t checkpoints = 0;       // distinct checkpoints seen or stored
  uint64_t forks = 0;             // of those, not extended by the final log
  bool verified = false;          // the public verifier with all of them as state
};

// Fetches the log from `public_url` and runs the public verifier with every
// checkpoint in `seen` and in the store at `db_url` as remembered state;
// then checks each receipt's leaf is in the log and each checkpoint's root
// is the final tree's root at its size. Prints the verifier's report and
// what it found on `out`.
SitesCheck CheckSites(const std::string& public_url, const std::string& db_url,
                      const Manifest& manifest, const CheckpointsSeen& seen,
                      const std::vector<Hash256>& receipts, FILE* out);

// Seconds from the fault (`fault_ms` after the fleet's start) to the first
// receipt for a table that closed after it: ingest of new actas resumed.
// -1 if none. `delivered_ms` as Fleet::DeliveryTimes.
double IngestResumedSeconds(const std::vector<TerminalPlan>& plans,
                            const std::vector<int64_t>& delivered_ms, int64_t fault_ms);

// The "== Three sites ==" section of the demo's summary.
std::string SitesReport(const DemoSummary& s);

}  // namespace acta::sim::demo_internal
