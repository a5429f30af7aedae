// Election-night links: what a terminal's connection to the center looks
// like on each access technology the tables actually use. The shaping proxy
// (shaping_proxy.h) applies a profile to every connection it carries.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace acta::sim {

struct LinkProfile {
  std::string name;
  // Line rate per direction, bits per second (0: unlimited). Each connection
  // draws its own rate uniformly in [min_rate_fraction * rate, rate] (modems
  // negotiate 28.8 to 56 kbit/s depending on the line).
  double up_bps = 0;
  double down_bps = 0;
  double min_rate_fraction = 1.0;
  // One-way propagation delay, plus a uniform jitter in [0, jitter] per
  // chunk (chunks never overtake each other: TCP delivers in order).
  std::chrono::microseconds latency{0};
  std::chrono::microseconds jitter{0};
  // Probability that a chunk is lost once; TCP hides the loss but the data
  // arrives a retransmission timeout later (the stall).
  double loss = 0;
  std::chrono::milliseconds loss_stall{200};
  // Probability that a connection is cut (reset) mid-exchange: half of the
  // cuts lose the request, half lose the response after the center acted.
  double drop = 0;
};

// The four profiles of the demo, in this order: "dialup" (28.8-56 kbit/s,
// 120 ms one way), "gsm" (GPRS/EDGE/3G, 150 ms one way, 100 ms jitter),
// "satellite" (VSAT via GEO, 300 ms one way = 600 ms RTT), "metro" (Metro
// Ethernet, 100 Mbit/s, 1 ms). Numbers and sources: docs/ARCHITECTURE.md,
// "Link emulation".
std::span<const LinkProfile> StandardProfiles();

// A profile by name. Errors: kNotFound.
Result<LinkProfile> ProfileByName(std::string_view name);

}  // namespace acta::sim
