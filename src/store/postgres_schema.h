// The PostgreSQL schema as an ordered list of migrations (docs/ARCHITECTURE.md,
// "Store schema", "PostgreSQL"). Internal to the PostgreSQL backend.
#pragma once

#include <cstdint>

#include "core/error.h"
#include "store/postgres_connection.h"

namespace acta::store::pg {

// The schema version this build writes and understands.
int64_t CurrentSchemaVersion();

// Takes a transaction-scoped advisory lock so that centers initializing the
// same database at once serialize, reads the stored schema version (0 for an
// empty database), refuses one newer than CurrentSchemaVersion() with
// kUnsupportedVersion, and applies the missing migrations in order.
// REQUIRES: a Transaction is open on `db`, so a failed migration leaves the
// database untouched (PostgreSQL DDL is transactional).
[[nodiscard]] Status MigrateSchema(Connection& db);

}  // namespace acta::store::pg
