// Pieces of `acta demo` (sim/demo.cc) kept apart so that file reads as the
// demo's timeline: the in-process center that can be stopped and started
// again, the plan of every terminal, and small process helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "center/center.h"
#include "core/clock.h"
#include "core/election_secrets.h"
#include "core/manifest.h"
#include "sim/demo.h"
#include "sim/fleet.h"
#include "verify/files.h"
#include "verify/state.h"
#include "witness/witness_service.h"

namespace acta::sim::demo_internal {

// Share of tables per link profile, in StandardProfiles() order (dialup,
// gsm, satellite, metro).
inline constexpr double kLinkMix[] = {0.15, 0.22, 0.08, 0.55};

// Raises RLIMIT_NOFILE: to 262,144 where allowed (root), else to its hard
// limit (each proxied exchange holds four sockets in this process).
void RaiseFileLimit();
uint64_t PeakRssKb();

// The state index (order of the state regions in the manifest) of every
// table; fills `state_regions` with the region index of each state.
std::vector<uint32_t> StateOfTables(const Manifest& m, std::vector<int32_t>& state_regions);

// Closing times uniform over the window and links drawn from kLinkMix,
// from `seed`.
std::vector<TerminalPlan> MakePlans(const std::vector<uint32_t>& table_state,
                                    std::chrono::milliseconds window, uint64_t seed);

// Where a center keeps its log and which key it signs with. Empty fields:
// SQLite in the work directory and the election's first center key. The
// sites of `acta demo --sites 3` share a replicated PostgreSQL store, each
// with a key of its own.
struct CenterStore {
  std::string db_url;
  std::string key_file;  // or a pkcs11: URI (acta demo --token)
  std::string pin_file;
  store::OpenOptions db;
  int share_of_connections = 1;  // centers in this process sharing its descriptors
};

// A center in this process, restartable on the same ports and database (a
// center that dies and comes back).
class CenterRunner {
 public:
  // `web_root`: the dashboard directory to serve ("" serves the API only).
  CenterRunner(std::string election_dir, std::string workdir, std::string web_root,
               CenterStore store = {});
  Status Start();
  // Where the center reaches each manifest witness (by name), before Start.
  void SetWitnessUrls(std::map<std::string, std::string> urls) {
    options_.witness_urls = std::move(urls);
  }
  // Stops and destroys the center (closing its listeners).
  void Stop() { center_.reset(); }
  center::Center* get() { return center_.get(); }
  std::string ingest_url() const { return "http://" + options_.ingest_listen.front(); }
  std::string public_url() const { return "http://" + options_.public_listen.front(); }

 private:
  SystemClock clock_;
  center::CenterOptions options_;
  std::unique_ptr<center::Center> center_;
};

// Seconds from the window's start until 90 %, 99 % and 100 % of `tables`
// held a receipt (-1: never). `ms` per table, -1 when not delivered.
struct Percentiles {
  double p90 = -1, p99 = -1, p100 = -1;
};
Percentiles DeliveryPercentiles(std::vector<int64_t> ms, uint64_t tables);

// What VerifyPublished fetched and found.
struct PublishedCheck {
  bool ok = false;  // the verifier found no problem and every table counted
  uint64_t latest_size = 0;
  verify::MemoryFiles files;  // everything fetched (entry bundles included)
};

// Fetches everything the center publishes from `public_url` (as `acta
// verify --center` does), runs the public verifier over it and prints its
// report on `out`. With `state`, every checkpoint in it must be extended by
// the log (as `acta verify --state`: a fork or rollback fails). With
// witnesses in the manifest, the newest checkpoint with their quorum is
// pinned and required (acta verify --require-witnesses).
PublishedCheck VerifyPublished(const std::string& public_url, const Manifest& manifest, FILE* out,
                               const verify::VerifierState* state = nullptr);

// Runs one in-process witness per manifest witness (keys from the
// synthetic election's secrets), each with its SQLite state in `workdir`,
// and returns them; `urls` gets name -> loopback URL for the center.
Result<std::vector<std::unique_ptr<witness::WitnessService>>> StartWitnesses(
    const ElectionMaterial& election, const std::string& workdir, const Clock& clock,
    std::map<std::string, std::string>& urls);

// Waits (at most `limit`) until the center's latest checkpoint carries the
// manifest's witness quorum; true when it does.
bool WaitForQuorum(center::Center& center, std::chrono::milliseconds limit);

// The one-line JSON summary of --json.
std::string SummaryJson(const DemoSummary& s, bool emulation, std::chrono::milliseconds window);

}  // namespace acta::sim::demo_internal
