// A fleet of simulated polling-table terminals: every table of an election
// runs the real terminal code (Transmitter over HttpTransport, the real
// HTTP client) from a fixed pool of worker threads, so 1,000,000 terminals
// need no more threads than 300. Each terminal is a state machine in one
// timer heap: at its closing time it signs its acta (from the synthetic
// truth), then each Step is one blocking request; between steps the
// terminal holds no thread, no socket and no HTTP client (it "hangs up").
//
// Thread-safety: Start/Stop/Wait from one controlling thread; Snapshot and
// the accessors from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "core/election_secrets.h"
#include "terminal/http_transport.h"
#include "terminal/transmitter.h"

namespace acta::sim {

// One table's terminal, as the fleet plans it.
struct TerminalPlan {
  std::chrono::milliseconds close_at{0};  // after the fleet's start
  uint8_t link = 0;                       // index into FleetOptions::link_names
  uint32_t group = 0;                     // the table's state (for reports)
};

struct FleetOptions {
  size_t workers = 256;
  std::vector<std::string> link_names;  // for statistics, by TerminalPlan::link
  terminal::TransmitterOptions transmitter;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{10'000};
  // The center URLs terminal `table_index` is configured with (its access
  // point of the emulated network, or the center itself).
  std::function<std::vector<std::string>(size_t table_index)> urls;
  // Maps the fleet's compressed time onto the acta's closing_time:
  // closing_time = polls_close_not_before + close_at * closing_time_scale.
  double closing_time_scale = 1.0;
  uint64_t seed = 1;
  // Keep the leaf hash of every receipt (32 bytes per table), so the run
  // can check afterwards that each receipted acta is in the log.
  bool keep_receipts = false;
};

struct LinkCounters {
  uint64_t tables = 0;
  uint64_t delivered = 0;
  uint64_t attempts = 0;
  uint64_t failed_attempts = 0;
};

struct FleetSnapshot {
  uint64_t tables = 0;
  uint64_t closed = 0;     // terminals past their closing time (acta signed)
  uint64_t delivered = 0;  // holding a verified receipt
  uint64_t failed = 0;     // every center refused (never expected in the demo)
  uint64_t attempts = 0;
  uint64_t retries = 0;  // attempts that did not deliver
  uint64_t conflicts = 0;
  uint64_t bad_receipts = 0;
  uint64_t retry_after = 0;
  std::vector<LinkCounters> links;
};

class Fleet {
 public:
  // The election pieces must outlive the fleet. `plans` has one entry per
  // manifest table, in manifest order.
  Fleet(const Manifest& manifest, const TableKeys& keys, const Truth& truth,
        const TransportKey& master, std::vector<TerminalPlan> plans, FleetOptions options);
  ~Fleet();

  // Starts the workers; time zero is now.
  void Start();
  // Waits until every terminal is done or `timeout` passes; true if done.
  bool WaitFor(std::chrono::milliseconds timeout);
  // Stops the workers (terminals not done stay undelivered).
  void Stop();

  FleetSnapshot Snapshot() const;
  std::chrono::steady_clock::time_point start_time() const { return start_; }
  // Milliseconds from start to the receipt, per table (-1: not delivered).
  std::vector<int64_t> DeliveryTimes() const;
  // The leaf hash each delivered terminal's receipt names, in table order
  // (undelivered tables skipped). Empty unless FleetOptions::keep_receipts.
  std::vector<Hash256> ReceiptLeaves() const;
  // Error messages of failed terminals (at most 20).
  std::vector<std::string> Failures() const;

 private:
  struct Terminal;
  struct Due {
    int64_t at_ns;
    uint32_t index;
    bool operator>(const Due& o) const { return at_ns > o.at_ns; }
  };
  void Work(size_t worker);
  void Push(Due due);  // REQUIRES: mu_ held
  void StepTerminal(size_t index, Random& rng);
  int64_t NowNs() const;

  const Manifest& manifest_;
  const TableKeys& keys_;
  const Truth& truth_;
  const TransportKey master_;
  std::vector<TerminalPlan> plans_;
  FleetOptions options_;
  std::vector<std::unique_ptr<Terminal>> live_;  // by table index; null when idle or done
  std::vector<int32_t> delivered_ms_;            // written by the worker that delivers
  std::vector<Hash256> receipt_leaves_;          // likewise; sized only with keep_receipts
  std::chrono::steady_clock::time_point start_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap_;  // guarded by mu_
  bool stop_ = false;                                                   // guarded by mu_
  bool leader_ = false;  // a worker sleeps until the heap's top is due; guarded by mu_
  std::condition_variable leader_cv_;
  uint64_t done_ = 0;  // guarded by mu_
  std::condition_variable done_cv_;
  std::vector<std::string> failures_;  // guarded by mu_
  std::vector<std::thread> threads_;

  std::atomic<uint64_t> closed_{0}, delivered_{0}, failed_{0}, attempts_{0}, retries_{0},
      conflicts_{0}, bad_receipts_{0}, retry_after_{0};
  std::unique_ptr<std::atomic<uint64_t>[]> link_tables_, link_delivered_, link_attempts_,
      link_failed_;
};

}  // namespace acta::sim
