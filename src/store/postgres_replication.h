// What a log needs on top of PostgreSQL's synchronous replication (issue
// #15; docs/OPERATIONS.md, "Three sites"). A COMMIT that returned is on the
// primary's disk; it is on a synchronous standby only if synchronous
// replication was in force and nobody cancelled the wait, and only what a
// synchronous standby holds survives a failover (Patroni promotes only it).
// So before a write is acknowledged, and before what was read is signed or
// published, the primary is asked whether a synchronous standby has flushed
// its WAL at least up to the primary's own flush position. Internal to the
// PostgreSQL backend.
#pragma once

#include <chrono>

#include "core/error.h"
#include "store/postgres_connection.h"

namespace acta::store::pg {

// OK if a standby in sync_state 'sync' (or 'quorum') is streaming from the
// server behind `db`. Cheap (one round trip): used before a write, so that
// a primary without its standby refuses at once instead of committing
// locally or blocking. kUnavailable otherwise.
[[nodiscard]] Status CheckSyncStandbyAttached(Connection& db);

// Reads the server's WAL flush position (which covers every commit that
// returned on any session, and every row any read has returned) and waits
// up to `wait`, polling every few milliseconds, until a synchronous standby
// reports its flush at or past it. kUnavailable if none does in time, or if
// the server is not a primary. The role needs pg_monitor (or superuser) to
// see the standbys' positions.
[[nodiscard]] Status ConfirmOnSyncStandby(Connection& db, std::chrono::milliseconds wait);

}  // namespace acta::store::pg
