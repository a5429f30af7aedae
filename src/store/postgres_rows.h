// Decoding the rows the PostgreSQL backend selects into store types,
// checking what the schema's CHECK constraints cannot. Internal to the
// PostgreSQL backend.
#pragma once

#include <vector>

#include "core/error.h"
#include "store/postgres_connection.h"
#include "store/store.h"

namespace acta::store::pg {

// The columns ReadRow expects, in order (a query may append more).
inline constexpr char kRowColumns[] =
    "SELECT leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt, conflict, seq";
// The columns ReadCheckpoints expects; append WHERE/ORDER BY.
inline constexpr char kCheckpointColumns[] =
    "SELECT size, root, note, created_at_ms FROM checkpoints ";

// A 32-byte bytea column; kCorruption for any other length.
[[nodiscard]] Result<Hash256> ReadHash(const QueryResult& rows, int row, int column,
                                       const char* what);
// Row `row` of a kRowColumns query. kCorruption for a wrong type, width,
// range, lane or receipt size.
[[nodiscard]] Result<AcceptedActa> ReadRow(const QueryResult& rows, int row);
// Every row of a kCheckpointColumns query.
[[nodiscard]] Result<std::vector<StoredCheckpoint>> ReadCheckpoints(const QueryResult& rows);
// Every row of a "SELECT size, root, witness, line FROM cosignatures" query.
[[nodiscard]] Result<std::vector<StoredCosignature>> ReadCosignatures(const QueryResult& rows);

}  // namespace acta::store::pg
