// Terminal load for the chaos tests: every table of a synthetic election
// sends its truth acta with the real terminal code (Transmitter over
// HttpTransport, with failover between the given center URLs and a verified
// receipt at the end), from a few worker threads, spread over a time window
// so that kills land while actas are in flight.
//
// Thread-safety: Start/Wait/Stop from one thread; the accessors from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/acta.h"
#include "core/election_secrets.h"
#include "core/receipt.h"

namespace acta::testing::chaos {

using SteadyTime = std::chrono::steady_clock::time_point;

struct LoadOptions {
  std::vector<std::string> urls;  // ingest URLs
  // true: worker w tries urls starting at w % urls.size() (both nodes take
  // load); false: every terminal tries urls[0] first (failover test).
  bool rotate = true;
  size_t workers = 4;
  // Table i starts no earlier than spread * i / tables after Start.
  std::chrono::milliseconds spread{4000};
  // A terminal still without a receipt this long after Start gives up (the
  // test then fails: every table must end with a verified receipt).
  std::chrono::milliseconds deadline{90'000};
  uint64_t seed = 1;
};

struct TableDelivery {
  bool delivered = false;
  Receipt receipt;
  size_t url_index = 0;  // into LoadOptions::urls (not rotated)
  SteadyTime started{};
  SteadyTime at{};  // when the receipt arrived
  uint32_t attempts = 0;
  std::string error;  // when not delivered
};

// The acta a terminal of table `index` sends: its truth, signed with its key.
Acta TruthActa(const ElectionMaterial& election, size_t index);

class TerminalLoad {
 public:
  // `election` must outlive the load.
  TerminalLoad(const ElectionMaterial& election, LoadOptions options);
  ~TerminalLoad();  // Stop()
  void Start();
  // Waits (at most `timeout`) until every worker is done. true if done.
  bool Wait(std::chrono::milliseconds timeout);
  // Asks the workers to stop after their current request and joins them.
  void Stop();

  size_t delivered() const { return delivered_.load(); }
  size_t tables() const { return actas_.size(); }
  SteadyTime start() const { return start_; }
  // Per table in manifest order (copy, under the lock).
  std::vector<TableDelivery> Deliveries() const;
  const std::vector<Acta>& actas() const { return actas_; }

 private:
  void Work(size_t worker);
  const ElectionMaterial& election_;
  const LoadOptions options_;
  std::vector<Acta> actas_;
  std::vector<Mac> macs_;
  SteadyTime start_{};
  std::atomic<size_t> next_{0};
  std::atomic<size_t> delivered_{0};
  std::atomic<size_t> finished_workers_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<TableDelivery> deliveries_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace acta::testing::chaos
