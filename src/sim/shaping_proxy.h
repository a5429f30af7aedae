// ShapingProxy: the election-night WAN on loopback. Terminals connect to
// one of its access points (one listening port per link profile and region
// group); it connects each connection to the real center and forwards the
// bytes both ways, shaped by the access point's LinkProfile: per-direction
// line rate (a serialization queue, like a modem's), one-way latency with
// jitter, loss as retransmission stalls, and connection cuts that lose
// either the request or the response. Whole groups (a state) can be taken
// offline (a blackout: new connections are reset at once, open ones cut)
// and an extra loss can be laid over every link (a lossy national network).
//
// Because it works on real sockets, the terminals' real HTTP client and the
// center's real HTTP server see exactly what a bad network does to them:
// slow reads, stalls, resets, half-delivered exchanges. Why a proxy rather
// than shaped sockets: docs/ARCHITECTURE.md, "Link emulation".
//
// Threading: one I/O thread owns every connection (the work per byte is
// tiny; latency is waiting on timers, not CPU). The public methods are
// thread-safe: they post to that thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.h"
#include "sim/link_profile.h"

namespace acta::sim {

struct AccessPoint {
  LinkProfile profile;
  uint32_t group = 0;  // outage unit (the demo uses the state index)
};

struct ProxyOptions {
  std::vector<AccessPoint> access_points;  // each gets its own port on 127.0.0.1
  uint16_t upstream_port = 0;              // the center's ingest port on 127.0.0.1
  uint64_t seed = 1;                       // jitter, loss and cut draws
  size_t max_buffered_bytes = 64 * 1024;   // per direction; reading pauses above it
};

struct ProxyStats {
  uint64_t connections = 0;        // accepted and forwarded
  uint64_t refused = 0;            // reset at once because their group was down
  uint64_t cut = 0;                // cut mid-exchange (drop draws and outages)
  uint64_t stalls = 0;             // chunks delayed by a simulated loss
  uint64_t upstream_failures = 0;  // the center did not accept the connection
  uint64_t bytes_up = 0;
  uint64_t bytes_down = 0;
};

class ShapingProxy {
 public:
  // Binds every access point on 127.0.0.1:0 and starts the I/O thread.
  // Errors: kInvalidArgument (no access point), kIo (bind).
  static Result<std::unique_ptr<ShapingProxy>> Start(ProxyOptions options);
  // Stop()s.
  ~ShapingProxy();
  ShapingProxy(const ShapingProxy&) = delete;
  ShapingProxy& operator=(const ShapingProxy&) = delete;

  uint16_t port(size_t access_point) const;
  // Where new connections go from now on (a restarted center).
  void SetUpstreamPort(uint16_t port);
  // Takes a group offline (refuse new, cut open connections) or back online.
  void SetGroupDown(uint32_t group, bool down);
  // Extra chunk loss and cut probability over every profile.
  void SetExtraLoss(double loss, double drop);
  ProxyStats stats() const;
  // Closes every listener and connection and joins the I/O thread. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit ShapingProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace acta::sim
