#include "bench/attack_load_rows.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

namespace acta::bench {
namespace {

using std::chrono::milliseconds;

// Calls `fire` if not disarmed before `timeout`: the load generator has no
// per-request timeout, so a center that stops answering is killed, which
// fails the open requests and ends the run.
class Watchdog {
 public:
  template <typename F>
  Watchdog(milliseconds timeout, F fire)
      : thread_([this, timeout, fire] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, timeout, [this] { return disarmed_; })) fire();
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      disarmed_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::thread thread_;
};

void RemoveStore(const std::string& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(db + suffix, ec);
  }
}

}  // namespace

RowResult RunRow(const RowSetup& s, const std::string& mode, double multiplier, int index) {
  RowResult row;
  row.mode = mode;
  row.multiplier = multiplier;
  row.attack_rate = mode.empty() ? 0 : s.legit_rate * multiplier;
  const std::string name = "row-" + std::to_string(index);
  const std::string db = s.work_dir + "/" + name + ".db";
  CenterLaunch launch{s.acta, s.election_dir, db, s.work_dir + "/" + name + ".log",
                      s.center_threads};
  auto center = StartCenterProcess(launch);
  if (!center) {
    row.error = center.error().ToString();
    return row;
  }
  LoadOptions lo;
  lo.port = center->ingest_port;
  lo.connections = s.legit_connections;
  lo.bind_address = s.legit_source;

  if (mode == "replay" && s.replay_seed != nullptr) {
    LoadOptions seed = lo;
    seed.max_duration = milliseconds(60'000);
    LoadResult r;
    {
      Watchdog dog(milliseconds(90'000), [&] { center->child->Kill(); });
      r = RunLoad(seed, *s.replay_seed);
    }
    if (r.ok != s.replay_seed->size()) {
      std::fprintf(stderr, "attack_load: replay seeding: %llu of %zu accepted\n",
                   static_cast<unsigned long long>(r.ok), s.replay_seed->size());
    }
  }

  std::unique_ptr<ChildProcess> attacker;
  if (!mode.empty()) {
    AttackLaunch a;
    a.acta = s.acta;
    a.election_dir = s.election_dir;
    a.mode = mode;
    a.port = center->ingest_port;
    a.rate = row.attack_rate;
    a.concurrency = s.attack_concurrency;
    if (mode == "slowloris") {
      // A slowloris attacker holds as many connections as it can, not a
      // handful: rate / 10 of them (beyond the per-/24 cap on purpose).
      a.concurrency = std::clamp(static_cast<int>(row.attack_rate / 10), s.attack_concurrency,
                                 s.slowloris_max_connections);
    }
    // It reports its first second before the legit load starts; the rest
    // covers the legit run and its tail.
    a.duration = s.legit_duration + milliseconds(4'000);
    a.seed = 1000 + static_cast<uint64_t>(index);
    auto started = StartAttack(a);
    if (!started) {
      row.error = started.error().ToString();
      StopCenterProcess(*center, milliseconds(30'000));
      RemoveStore(db);
      return row;
    }
    attacker = std::move(*started);
  }

  const pid_t pid = center->child->pid();
  auto before = ReadProcUsage(pid);
  const auto t0 = std::chrono::steady_clock::now();
  lo.rate = s.legit_rate;
  lo.max_duration = s.legit_duration + milliseconds(30'000);
  {
    FsyncProbe probe(s.work_dir, milliseconds(20));
    Watchdog dog(s.legit_duration + milliseconds(60'000), [&] { center->child->Kill(); });
    row.legit = RunLoad(lo, *s.legit);
    row.disk = probe.Stop();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto after = ReadProcUsage(pid);
  if (before && after && wall > 0) {
    row.center_cpu = (after->cpu_seconds - before->cpu_seconds) / wall;
  }
  if (attacker) {
    auto outcome = FinishAttack(*attacker, s.legit_duration + milliseconds(64'000));
    if (outcome) {
      row.attack = std::move(*outcome);
    } else {
      row.error = outcome.error().ToString();
    }
  }
  // VmHWM after the flood: the center's peak over its whole (fresh) life.
  if (auto end = ReadProcUsage(pid)) row.center_peak_rss_kb = end->peak_rss_kb;
  if (!center->child->Running() && row.error.empty()) {
    row.error = "the center died (or was killed by the watchdog); see " + launch.log_path;
  }
  StopCenterProcess(*center, milliseconds(30'000));
  RemoveStore(db);
  return row;
}

}  // namespace acta::bench
