// Picks and opens a Store backend from a URL given on the command line or in
// configuration, so callers never name a backend class.
#pragma once

#include <memory>
#include <string_view>

#include "core/error.h"
#include "store/store.h"

namespace acta::store {

// Settings that only a PostgreSQL store uses (SQLite ignores them).
struct OpenOptions {
  // A primary with synchronous standbys (Patroni synchronous_mode): writes
  // are acknowledged only once a synchronous standby holds them
  // (PostgresStoreOptions::require_sync_standby).
  bool require_sync_standby = false;
  // The longest a statement waits for the server's answer before the
  // connection is abandoned, 0 for ever (pg::ConnectOptions).
  int answer_timeout_ms = 0;
};

// "sqlite:PATH"   SQLite database file at PATH (created if missing).
// "postgres://…" / "postgresql://…"  PostgreSQL (postgres_store.h); kUnavailable while the server
// cannot be reached. The returned store still needs Initialize(election_id). Errors:
// kInvalidArgument for an unknown scheme or an empty path; whatever the backend's Open returns.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStore(std::string_view url,
                                                       const OpenOptions& options = {});

}  // namespace acta::store
