// The SQLite schema as an ordered list of migrations (docs/ARCHITECTURE.md,
// "Store schema"). Internal to the SQLite backend.
#pragma once

#include <cstdint>

#include "core/error.h"
#include "store/sqlite_connection.h"

namespace acta::store::sqlite {

// The schema version this build writes and understands.
int64_t CurrentSchemaVersion();

// Reads the stored schema version (0 for an empty database), refuses one
// newer than CurrentSchemaVersion() with kUnsupportedVersion, and applies the
// missing migrations in order.
// REQUIRES: a WriteTransaction is open on `db`, so concurrent openers
// serialize and a failed migration leaves the database untouched.
[[nodiscard]] Status MigrateSchema(Connection& db);

}  // namespace acta::store::sqlite
