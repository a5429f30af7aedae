// The observers' monitor running beside the demo's center (issue #24): it
// follows the public log from the first close of polls to the end of the
// count, as `acta monitor` would, and the summary says how far behind it
// ran and what it found.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/manifest.h"

namespace acta::sim {

struct DemoMonitorReport {
  bool ran = false;
  std::string error;  // the monitor could not start
  uint64_t size = 0;
  uint64_t checkpoints = 0;
  uint64_t entries = 0;
  uint64_t bulletins = 0;
  uint64_t conflicts = 0;
  uint64_t alarms = 0;
  uint64_t unavailable = 0;
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
  double cpu_seconds = 0;                // the monitor thread's own CPU time
  std::vector<std::string> alarm_lines;  // the first few alarms, for the summary
  uint64_t cosigned = 0;                 // checkpoints seen with the witness quorum
  // What each witness said it last cosigned of this log, asked at its URL
  // when the monitor finished ("Alianza Cívica: size 30,000" or the error).
  std::vector<std::string> witness_lines;
};

// The witnesses the monitor asks (acta monitor --witness-url): the
// manifest's, at the URLs where they really run.
struct DemoMonitorWitnesses {
  std::string origin;  // log::LogOrigin of the election id
  std::vector<ManifestWitness> witnesses;
};

class DemoMonitor {
 public:
  // Starts polling `public_url` every `poll_ms` on its own thread, with its
  // state in `state_dir`. Witness questions (a below-quorum alarm's
  // explanation, split-view evidence, the final report) go to `witnesses`.
  DemoMonitor(std::string public_url, std::string state_dir, DemoMonitorWitnesses witnesses = {},
              unsigned poll_ms = 200);
  ~DemoMonitor();
  // Polls until the monitor holds `size` entries or `timeout` passes, then
  // stops and reports.
  DemoMonitorReport Finish(uint64_t size, std::chrono::milliseconds timeout);

 private:
  void Run();
  std::string url_;
  std::string state_dir_;
  DemoMonitorWitnesses witnesses_;
  unsigned poll_ms_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> target_{UINT64_MAX};
  std::atomic<uint64_t> held_{0};
  DemoMonitorReport report_;
  std::thread thread_;
};

}  // namespace acta::sim
