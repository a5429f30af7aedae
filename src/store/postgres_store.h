// The Store backend for several center nodes sharing one PostgreSQL
// database. Schema, locking and durability: docs/ARCHITECTURE.md, "Store
// schema", "PostgreSQL".
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "store/postgres_pool.h"
#include "store/store.h"

namespace acta::store {

struct PostgresStoreOptions {
  // Connections opened at most; callers beyond that wait for one.
  size_t max_connections = 8;
  // Connections kept open for reuse when idle.
  size_t max_idle_connections = 4;
  // Rows fetched per round trip by ForEachSequenced and ForEachAccepted,
  // which page through one snapshot so memory stays bounded.
  int page_rows = 1024;
  pg::ConnectOptions connect;
  // For a primary with synchronous standbys (Patroni's synchronous_mode,
  // docs/OPERATIONS.md "Three sites"): every write returns OK only once a
  // synchronous standby has flushed it (pg_stat_replication), a write to a
  // primary without one is refused at once with kUnavailable, and
  // ConfirmReplicated really waits. Off: a COMMIT that returned is enough.
  bool require_sync_standby = false;
  // How long a write or ConfirmReplicated waits for the standby's flush.
  std::chrono::milliseconds sync_wait{5000};
};

// Thread-safety: as Store; each call runs on a pooled connection of its own.
// Several PostgresStore objects, in one process or on several machines, may
// use the same database: inserts run concurrently; Sequence and
// AddCheckpoint serialize on the log_head row lock, so two sequencers never
// fork the log (the one that lost the race gets kFailedPrecondition).
//
// Durability: every write is one transaction and returns only after COMMIT
// returned with synchronous_commit on (Open refuses a server with
// fsync=off), and with require_sync_standby only once a synchronous standby
// holds it too. No statement is ever cancelled (a cancelled COMMIT reports
// success); connect.answer_timeout_ms abandons a connection instead.
//
// Connection loss: calls fail with kUnavailable while the server is
// unreachable and succeed again once it (or, with a multi-host URL and
// target_session_attrs=read-write, the new primary) answers: broken
// connections are replaced. A write that fails with kUnavailable may or may
// not have been committed: InsertAccepted is safe to retry (the rows are
// then looked up by leaf hash: ON CONFLICT skips them, and the confirmation
// covers them), a retried Sequence is refused with kFailedPrecondition if
// the first one committed.
class PostgresStore final : public Store {
 public:
  // Checks the URL and opens a first connection, so a wrong URL or an
  // unreachable server is reported at once. Nothing is read or written
  // until Initialize. Errors: kInvalidArgument for an unparsable URL;
  // kUnavailable if the server cannot be reached or refuses the connection;
  // kFailedPrecondition if the server runs with fsync=off.
  [[nodiscard]] static Result<std::unique_ptr<PostgresStore>> Open(
      const std::string& url, PostgresStoreOptions options = {});
  ~PostgresStore() override;

  Status Initialize(const Hash256& election_id) override;
  Status InsertAccepted(std::span<const AcceptedActa> actas) override;
  Result<std::optional<AcceptedActa>> FindByLeaf(const Hash256& leaf_hash) override;
  Result<std::vector<AcceptedActa>> FindByTable(uint32_t table_id) override;
  Result<std::vector<AcceptedActa>> LoadUnsequenced(size_t limit) override;
  Status Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                  const std::optional<StoredCheckpoint>& checkpoint) override;
  Status SequenceFenced(const TreeHead& expected, std::span<const Hash256> leaves,
                        const TreeHead& next) override;
  Status ConfirmReplicated() override;
  Status AddCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  Status AddCosignature(const StoredCosignature& cosignature) override;
  Result<std::vector<StoredCosignature>> ListCosignatures(uint64_t min_size) override;
  Result<uint64_t> SequencedCount() override;
  Status ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) override;
  Status ForEachAccepted(const Visitor& fn) override;

 private:
  PostgresStore(std::string redacted_url, PostgresStoreOptions options);

  Status CheckInitialized() const;
  // With require_sync_standby, after a COMMIT on `db` returned: waits for a
  // synchronous standby to hold it. OK at once otherwise.
  Status Confirm(pg::Connection& db);
  // Runs one query returning accepted rows and hands each row to `fn`.
  Status QueryRows(pg::Connection& db, const std::string& sql, const pg::Params& params,
                   const Visitor& fn, int64_t* last_key = nullptr);
  // Pages through `sql` (which takes $1 = key lower bound, ..., and a last
  // parameter LIMIT) in one REPEATABLE READ snapshot.
  Status ForEachPaged(const std::string& sql, int64_t first_key, std::optional<int64_t> bound,
                      const Visitor& fn);

  const std::string name_;  // the URL without a password, for messages
  const PostgresStoreOptions options_;
  pg::ConnectionPool pool_;
  std::atomic<bool> initialized_{false};
};

}  // namespace acta::store
