// Exponential backoff with full jitter and a cap (the AWS Architecture Blog
// "Exponential Backoff And Jitter" scheme): the n-th consecutive failure
// waits a uniform random time in [0, min(cap, base * 2^n)]. Full jitter
// spreads thousands of terminals that failed together (a blackout, a center
// restart) over the whole interval, so they do not come back in lockstep.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/random.h"

namespace acta::terminal {

struct BackoffPolicy {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{60'000};
  // Never wait less than this (a floor keeps a failing loop from spinning
  // when the jitter draws a value near zero).
  std::chrono::milliseconds floor{10};
};

// The delay after `failures` consecutive failed rounds (failures >= 1).
// Uniform in [floor, max(floor, min(cap, base * 2^(failures-1)))]; uses
// `rng` only. Thread-safety: as `rng`.
std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, uint32_t failures, Random& rng);

}  // namespace acta::terminal
