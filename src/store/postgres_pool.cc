#include "store/postgres_pool.h"

#include <utility>

namespace acta::store::pg {

ConnectionPool::ConnectionPool(std::string url, ConnectOptions options, size_t max_open,
                               size_t max_idle)
    : url_(std::move(url)),
      options_(options),
      max_open_(max_open == 0 ? 1 : max_open),
      max_idle_(max_idle) {}

ConnectionPool::~ConnectionPool() = default;

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_open_; });
    if (!idle_.empty()) {
      Lease lease{std::move(idle_.back()), /*reused=*/true};
      idle_.pop_back();
      return lease;
    }
    ++open_;  // reserve the slot before connecting outside the lock
  }
  auto conn = Connection::Open(url_, options_);
  if (!conn) {
    std::lock_guard lock(mu_);
    --open_;
    returned_.notify_one();
    return std::unexpected(std::move(conn).error());
  }
  return Lease{std::move(*conn), /*reused=*/false};
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  std::vector<std::unique_ptr<Connection>> to_close;  // closed outside the lock
  {
    std::lock_guard lock(mu_);
    if (conn->Broken()) {
      // The server restarted or the network dropped: the idle connections
      // are almost certainly dead too, and each would cost a caller an error.
      to_close.swap(idle_);
      open_ -= to_close.size();
      to_close.push_back(std::move(conn));
      --open_;
    } else if (idle_.size() < max_idle_) {
      idle_.push_back(std::move(conn));
    } else {
      to_close.push_back(std::move(conn));
      --open_;
    }
    returned_.notify_all();
  }
}

}  // namespace acta::store::pg
