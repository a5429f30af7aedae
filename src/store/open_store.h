// Picks and opens a Store backend from a URL given on the command line or in
// configuration, so callers never name a backend class.
#pragma once

#include <memory>
#include <string_view>

#include "core/error.h"
#include "store/store.h"

namespace acta::store {

// "sqlite:PATH"   SQLite database file at PATH (created if missing).
// "postgres://…" / "postgresql://…"  PostgreSQL (postgres_store.h); kUnavailable while the server
// cannot be reached. The returned store still needs Initialize(election_id). Errors:
// kInvalidArgument for an unknown scheme or an empty path; whatever the backend's Open returns.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace acta::store
