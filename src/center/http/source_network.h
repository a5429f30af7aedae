// Grouping client addresses into source networks, and counting open
// connections per network. One host rarely owns one address: an IPv4 /24 or
// an IPv6 /48 is what one attacker (or one NAT pool) usually controls, so
// caps and telemetry work on those.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <compare>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "center/http/limits.h"

namespace acta::http {

// An IPv4 /24 or IPv6 /48 network. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) count as IPv4.
struct SourceNet {
  bool v6 = false;
  // Network bytes: the first 3 (v4) or 6 (v6) are set, the rest are zero.
  std::array<uint8_t, 16> prefix{};

  int prefix_length() const { return v6 ? 48 : 24; }
  // "203.0.113.0/24", "2001:db8:1::/48".
  std::string ToString() const;
  auto operator<=>(const SourceNet&) const = default;
};

SourceNet SourceNetwork(const boost::asio::ip::address& address);

// Counts open connections in total and per SourceNet against two caps.
// Thread-safe.
class ConnectionLimiter {
 public:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_source);

  // Admits one connection from `address` (nullopt; pair it with one Release)
  // or says which cap it hits.
  [[nodiscard]] std::optional<RejectReason> TryAcquire(const boost::asio::ip::address& address);
  void Release(const boost::asio::ip::address& address);

  std::size_t total() const;
  std::size_t CountFor(const SourceNet& net) const;
  // Blocks until total() is zero or `deadline` passes; true if zero.
  bool WaitForZero(std::chrono::steady_clock::time_point deadline) const;

 private:
  const std::size_t max_total_;
  const std::size_t max_per_source_;
  mutable std::mutex mu_;
  mutable std::condition_variable zero_;
  std::size_t total_ = 0;
  std::map<SourceNet, std::size_t> per_source_;
};

}  // namespace acta::http
