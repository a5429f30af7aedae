// A closed- or open-loop HTTP load generator for the ingest benchmarks: C
// keep-alive connections on one io_context, each sending POST /v1/actas with
// the next prepared body, optionally paced to a target total rate. Latency is
// measured per request from send to full response.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace acta::bench {

struct PreparedRequest {
  Bytes body;
  std::string mac_b64;  // empty: public lane
};

struct LoadOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // Local address to connect from (e.g. "127.0.1.1", another loopback /24
  // than an attacker's, as real terminals are); empty: the kernel's choice.
  std::string bind_address;
  int connections = 64;
  // Requests per second over all connections; 0 = as fast as possible.
  double rate = 0;
  // Stops after every request was sent once, or at this duration.
  std::chrono::milliseconds max_duration{120'000};
};

struct LoadResult {
  uint64_t sent = 0;
  uint64_t ok = 0;  // 200, 201 or 409 with a receipt
  uint64_t failed = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;  // of successful requests
  double Rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  double Percentile(double p) const;  // of latencies_ms, in ms
};

LoadResult RunLoad(const LoadOptions& options, const std::vector<PreparedRequest>& requests);

}  // namespace acta::bench
