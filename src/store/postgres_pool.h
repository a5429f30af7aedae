// A small pool of PostgreSQL connections shared by the threads of one
// PostgresStore, which reconnects after the server restarts or the network
// drops. Internal to the PostgreSQL backend.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "store/postgres_connection.h"

namespace acta::store::pg {

// Thread-safety: every method may be called from any thread. At most
// `max_open` connections exist at once; a caller beyond that waits for one
// to be returned.
class ConnectionPool {
 public:
  ConnectionPool(std::string url, ConnectOptions options, size_t max_open, size_t max_idle);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs fn(Connection&) on a connection of its own and returns what fn
  // returns (a Status or a Result). A connection found broken is closed,
  // together with every idle one (after a server restart they are all
  // dead). If a reused connection breaks before the server answered
  // anything, fn's work cannot have reached the server, so fn runs once
  // more on a fresh connection; otherwise the kUnavailable error is
  // returned. Errors: kUnavailable (or Connection::Open's errors) when no
  // connection can be opened.
  template <typename Fn>
  std::invoke_result_t<Fn, Connection&> Run(Fn&& fn) {
    for (int attempt = 0;; ++attempt) {
      auto lease = Acquire();
      if (!lease) return std::unexpected(std::move(lease).error());
      Connection& conn = *lease->conn;
      const uint64_t answered_before = conn.answered();
      auto result = fn(conn);
      // An abandoned connection may have delivered its statement (the
      // server just did not answer in time): its outcome is unknown, so it
      // is never run again blindly.
      const bool retry = !result && conn.Broken() && !conn.abandoned() && lease->reused &&
                         conn.answered() == answered_before && attempt == 0;
      Release(std::move(lease->conn));
      if (!retry) return result;
    }
  }

 private:
  struct Lease {
    std::unique_ptr<Connection> conn;
    bool reused = false;  // taken from the idle list rather than just opened
  };
  Result<Lease> Acquire();
  void Release(std::unique_ptr<Connection> conn);

  const std::string url_;
  const ConnectOptions options_;
  const size_t max_open_;
  const size_t max_idle_;

  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_ = 0;                                // idle, lent out or being opened; guarded by mu_
};

}  // namespace acta::store::pg
