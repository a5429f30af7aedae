// The disk's own fsync latency, measured beside a benchmark run: legit
// acceptance waits for the store's fsync, so a p99 can only be judged next
// to what the same disk did at the same time. A virtual disk that stalls
// for 100+ ms now and then shows here, not as a fault of the center.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace acta::bench {

struct FsyncStats {
  std::size_t samples = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// From construction to Stop (or destruction): every `interval`, appends
// 512 bytes to a file in `dir` (the filesystem of the store under test) and
// fdatasyncs it, timing the fdatasync. The file is removed at Stop.
class FsyncProbe {
 public:
  FsyncProbe(const std::string& dir, std::chrono::milliseconds interval);
  ~FsyncProbe();
  FsyncProbe(const FsyncProbe&) = delete;
  FsyncProbe& operator=(const FsyncProbe&) = delete;

  FsyncStats Stop();

 private:
  std::string path_;
  std::atomic<bool> stop_{false};
  std::vector<double> ms_;  // written by thread_ until it is joined
  std::thread thread_;
};

}  // namespace acta::bench
