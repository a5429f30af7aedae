#include "center/http/source_network.h"

#include <algorithm>

namespace acta::http {

SourceNet SourceNetwork(const boost::asio::ip::address& address) {
  SourceNet net;
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    const auto bytes = address.to_v6().to_bytes();
    net.v6 = true;
    std::copy_n(bytes.begin(), 6, net.prefix.begin());
    return net;
  }
  const auto v4 = address.is_v4() ? address.to_v4()
                                  : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                                     address.to_v6());
  const auto bytes = v4.to_bytes();
  std::copy_n(bytes.begin(), 3, net.prefix.begin());
  return net;
}

std::string SourceNet::ToString() const {
  if (!v6) {
    return std::to_string(prefix[0]) + "." + std::to_string(prefix[1]) + "." +
           std::to_string(prefix[2]) + ".0/24";
  }
  boost::asio::ip::address_v6::bytes_type bytes{};
  std::copy(prefix.begin(), prefix.end(), bytes.begin());
  return boost::asio::ip::address_v6(bytes).to_string() + "/48";
}

ConnectionLimiter::ConnectionLimiter(std::size_t max_total, std::size_t max_per_source)
    : max_total_(max_total), max_per_source_(max_per_source) {}

std::optional<RejectReason> ConnectionLimiter::TryAcquire(const boost::asio::ip::address& address) {
  const SourceNet net = SourceNetwork(address);
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) return RejectReason::kTooManyConnections;
  auto it = per_source_.find(net);
  const std::size_t current = it == per_source_.end() ? 0 : it->second;
  if (current >= max_per_source_) return RejectReason::kTooManyFromSource;
  if (it == per_source_.end()) {
    per_source_.emplace(net, 1);
  } else {
    ++it->second;
  }
  ++total_;
  return std::nullopt;
}

void ConnectionLimiter::Release(const boost::asio::ip::address& address) {
  const SourceNet net = SourceNetwork(address);
  std::lock_guard lock(mu_);
  auto it = per_source_.find(net);
  if (it == per_source_.end() || it->second == 0 || total_ == 0) return;  // unpaired: ignore
  if (--it->second == 0) per_source_.erase(it);
  if (--total_ == 0) zero_.notify_all();
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::size_t ConnectionLimiter::CountFor(const SourceNet& net) const {
  std::lock_guard lock(mu_);
  auto it = per_source_.find(net);
  return it == per_source_.end() ? 0 : it->second;
}

bool ConnectionLimiter::WaitForZero(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return zero_.wait_until(lock, deadline, [this] { return total_ == 0; });
}

}  // namespace acta::http
