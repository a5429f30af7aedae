#include "center/table_limiter.h"

#include <algorithm>

namespace acta::center {

TableLimiter::TableLimiter(const Clock& clock, size_t tables, TableLimitOptions options)
    : clock_(clock), options_(options) {
  const auto now = clock.SteadyNow();
  buckets_.resize(2 * tables);
  for (size_t i = 0; i < tables; ++i) {
    buckets_[2 * i] = Bucket{options_.terminal_burst, now};
    buckets_[2 * i + 1] = Bucket{options_.public_burst, now};
  }
}

TableLimiter::Bucket& TableLimiter::BucketFor(size_t table_index, VerifyLane lane) {
  return buckets_[2 * table_index + (lane == VerifyLane::kTerminal ? 0 : 1)];
}

void TableLimiter::Refill(Bucket& b, VerifyLane lane,
                          std::chrono::steady_clock::time_point now) const {
  const bool terminal = lane == VerifyLane::kTerminal;
  const double rate = terminal ? options_.terminal_per_second : options_.public_per_second;
  const double burst = terminal ? options_.terminal_burst : options_.public_burst;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.updated = now;
  }
}

bool TableLimiter::TryTake(size_t table_index, VerifyLane lane) {
  if (2 * table_index >= buckets_.size()) return false;
  const auto now = clock_.SteadyNow();
  std::lock_guard lock(mu_);
  Bucket& b = BucketFor(table_index, lane);
  Refill(b, lane, now);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void TableLimiter::Refund(size_t table_index, VerifyLane lane) {
  if (2 * table_index >= buckets_.size()) return;
  const double burst =
      lane == VerifyLane::kTerminal ? options_.terminal_burst : options_.public_burst;
  std::lock_guard lock(mu_);
  Bucket& b = BucketFor(table_index, lane);
  b.tokens = std::min(burst, b.tokens + 1);
}

double TableLimiter::SecondsUntilToken(size_t table_index, VerifyLane lane) const {
  if (2 * table_index >= buckets_.size()) return 0;
  const auto now = clock_.SteadyNow();
  const double rate =
      lane == VerifyLane::kTerminal ? options_.terminal_per_second : options_.public_per_second;
  std::lock_guard lock(mu_);
  Bucket b = buckets_[2 * table_index + (lane == VerifyLane::kTerminal ? 0 : 1)];
  Refill(b, lane, now);
  if (b.tokens >= 1) return 0;
  if (rate <= 0) return -1;
  return (1 - b.tokens) / rate;
}

}  // namespace acta::center
