#include "bench/fsync_probe.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace acta::bench {

FsyncProbe::FsyncProbe(const std::string& dir, std::chrono::milliseconds interval)
    : path_(dir + "/fsync-probe-" + std::to_string(::getpid())) {
  thread_ = std::thread([this, interval] {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    const char block[512] = {};
    // Bounded however long the run: at most an hour of samples.
    for (int i = 0;
         i < 3'600'000 / std::max<int>(1, static_cast<int>(interval.count())) && !stop_.load();
         ++i) {
      if (::write(fd, block, sizeof block) != static_cast<ssize_t>(sizeof block)) break;
      const auto t0 = std::chrono::steady_clock::now();
      if (::fdatasync(fd) != 0) break;
      ms_.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      std::this_thread::sleep_for(interval);
    }
    ::close(fd);
  });
}

FsyncProbe::~FsyncProbe() { Stop(); }

FsyncStats FsyncProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  std::remove(path_.c_str());
  FsyncStats s;
  s.samples = ms_.size();
  if (ms_.empty()) return s;
  std::vector<double> sorted = ms_;
  std::sort(sorted.begin(), sorted.end());
  s.p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
  s.max_ms = sorted.back();
  return s;
}

}  // namespace acta::bench
