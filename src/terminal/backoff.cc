#include "terminal/backoff.h"

#include <algorithm>

namespace acta::terminal {

std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, uint32_t failures,
                                       Random& rng) {
  const int64_t base = std::max<int64_t>(policy.base.count(), 1);
  const int64_t cap = std::max<int64_t>(policy.cap.count(), 1);
  // Doubling stops at the cap; the shift count is bounded so it cannot overflow.
  int64_t ceiling = base;
  for (uint32_t i = 1; i < failures && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  const int64_t floor = std::clamp<int64_t>(policy.floor.count(), 0, ceiling);
  const uint64_t span = static_cast<uint64_t>(ceiling - floor) + 1;
  return std::chrono::milliseconds(floor + static_cast<int64_t>(rng.Uniform(span)));
}

}  // namespace acta::terminal
