// Per-table rate limits (DESIGN.md, "Transport and the two lanes"): a token
// bucket per manifest table and per lane bounds the signature work anyone
// can make the center spend on one table. A real terminal sends one acta and
// perhaps a few corrections (retries of the same bytes are replays and never
// reach this limiter), so the defaults are far above that; a flood of
// different actas naming one table runs dry quickly. The two lanes have
// separate buckets, so forged public-lane actas naming table X can never use
// up the terminal lane's budget for X.
//
// Memory is bounded by the manifest: two buckets per table, allocated up
// front, nothing keyed by attacker-chosen values.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "center/verify_pool.h"
#include "core/clock.h"

namespace acta::center {

struct TableLimitOptions {
  // Tokens per second and bucket size, per table, terminal lane.
  double terminal_per_second = 0.2;  // 12 a minute
  double terminal_burst = 20;
  // The same for the public lane (observer submissions).
  double public_per_second = 0.1;  // 6 a minute
  double public_burst = 10;
};

class TableLimiter {
 public:
  // Every bucket starts full. REQUIRES: rates >= 0, bursts >= 1.
  TableLimiter(const Clock& clock, size_t tables, TableLimitOptions options);

  // Takes one token from table `table_index`'s bucket of `lane`; false
  // (nothing taken) when it is empty or table_index is out of range.
  [[nodiscard]] bool TryTake(size_t table_index, VerifyLane lane);
  // Gives back a token taken by TryTake whose request then did no signature
  // work (refused by a full queue), so back-pressure does not also spend
  // the table's budget.
  void Refund(size_t table_index, VerifyLane lane);
  // Seconds until the bucket has a token again: 0 if it has one now,
  // negative if it never will (rate 0).
  double SecondsUntilToken(size_t table_index, VerifyLane lane) const;

  const TableLimitOptions& options() const { return options_; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  Bucket& BucketFor(size_t table_index, VerifyLane lane);
  void Refill(Bucket& b, VerifyLane lane, std::chrono::steady_clock::time_point now) const;

  const Clock& clock_;
  const TableLimitOptions options_;
  mutable std::mutex mu_;
  std::vector<Bucket> buckets_;  // 2 per table: [2i] terminal, [2i+1] public; guarded by mu_
};

}  // namespace acta::center
