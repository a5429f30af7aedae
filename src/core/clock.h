// Time behind an interface (LevelDB Env / Envoy TimeSource style): servers
// and terminals read time only through a Clock so tests can drive it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace acta {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, Unix epoch, for timestamps that are signed or shown.
  virtual int64_t NowUnixMillis() const = 0;
  // Monotonic time for timeouts and rates.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;
  int64_t NowUnixSeconds() const { return NowUnixMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnixMillis() const override;
  std::chrono::steady_clock::time_point SteadyNow() const override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_millis = 1'800'000'000'000) : now_ms_(unix_millis) {}
  int64_t NowUnixMillis() const override { return now_ms_.load(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms_.load()));
  }
  void Advance(std::chrono::milliseconds d) { now_ms_ += d.count(); }
  void SetUnixMillis(int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace acta
