// The public lane's budget (DESIGN.md): observer submissions carry no MAC, so
// each costs a full signature check. A global token bucket caps that work so
// it can never take the capacity the terminal lane needs, and a per-source
// bucket (source network: IPv4 /24, IPv6 /48) keeps one observer, or one
// attacker, from using the whole global budget. Memory is bounded: at most
// `max_sources` buckets are kept; past that, the least recently used go.
//
// Thread-safety: TryTake may be called from any thread.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace acta::center {

struct PublicBudgetOptions {
  double global_per_second = 500;
  double global_burst = 1000;
  double per_source_per_second = 20;
  double per_source_burst = 40;
  size_t max_sources = 65536;
};

class PublicBudget {
 public:
  PublicBudget(const Clock& clock, PublicBudgetOptions options);
  // Takes one token from the source's bucket and the global one; false when
  // either is empty (nothing is taken then).
  bool TryTake(const boost::asio::ip::address& source);
  size_t tracked_sources() const;

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  static void Refill(Bucket& b, double rate, double burst,
                     std::chrono::steady_clock::time_point now);

  const Clock& clock_;
  const PublicBudgetOptions options_;
  mutable std::mutex mu_;
  Bucket global_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::pair<Bucket, std::list<std::string>::iterator>> sources_;
};

}  // namespace acta::center
