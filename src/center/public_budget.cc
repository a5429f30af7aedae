#include "center/public_budget.h"

#include <algorithm>

#include "center/http/source_network.h"

namespace acta::center {

PublicBudget::PublicBudget(const Clock& clock, PublicBudgetOptions options)
    : clock_(clock), options_(options), global_{options.global_burst, clock.SteadyNow()} {}

void PublicBudget::Refill(Bucket& b, double rate, double burst,
                          std::chrono::steady_clock::time_point now) {
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.updated = now;
  }
}

bool PublicBudget::TryTake(const boost::asio::ip::address& source) {
  const auto now = clock_.SteadyNow();
  const std::string key = http::SourceNetwork(source).ToString();
  std::lock_guard lock(mu_);
  Refill(global_, options_.global_per_second, options_.global_burst, now);
  auto it = sources_.find(key);
  if (it == sources_.end()) {
    if (sources_.size() >= options_.max_sources && !lru_.empty()) {
      sources_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = sources_.emplace(key, std::make_pair(Bucket{options_.per_source_burst, now}, lru_.begin()))
             .first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.second);
  }
  Bucket& src = it->second.first;
  Refill(src, options_.per_source_per_second, options_.per_source_burst, now);
  if (global_.tokens < 1 || src.tokens < 1) return false;
  global_.tokens -= 1;
  src.tokens -= 1;
  return true;
}

size_t PublicBudget::tracked_sources() const {
  std::lock_guard lock(mu_);
  return sources_.size();
}

}  // namespace acta::center
