#include "store/postgres_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "store/postgres_replication.h"
#include "store/postgres_rows.h"
#include "store/postgres_schema.h"

namespace acta::store {

using pg::ArrayParam;
using pg::Connection;
using pg::kCheckpointColumns;
using pg::kRowColumns;
using pg::Params;
using pg::QueryResult;
using pg::ReadCheckpoints;
using pg::ReadHash;
using pg::ReadRow;
using pg::Transaction;

namespace {

constexpr char kElectionIdKey[] = "election_id";
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

int64_t ClampToInt64(uint64_t v) {
  return v > static_cast<uint64_t>(kMaxInt64) ? kMaxInt64 : static_cast<int64_t>(v);
}

Result<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(Connection& db) {
  auto rows = db.Query(std::string(kCheckpointColumns) + "ORDER BY id DESC LIMIT 1");
  if (!rows) return std::unexpected(std::move(rows).error());
  auto list = ReadCheckpoints(*rows);
  if (!list) return std::unexpected(std::move(list).error());
  if (list->empty()) return std::nullopt;
  return std::optional<StoredCheckpoint>(std::move(list->front()));
}

struct LogHead {
  uint64_t size = 0;
  std::optional<Hash256> root;  // unknown after an unfenced Sequence
};

// Reads the log head and, with `lock`, locks the log_head row until the
// transaction ends: every writer of the log takes this lock first, so
// sequencers in any number of processes are serialized by the database.
Result<LogHead> ReadLogHead(Connection& db, bool lock) {
  auto rows = db.Query(lock ? "SELECT size, root FROM log_head WHERE id = 1 FOR UPDATE"
                            : "SELECT size, root FROM log_head WHERE id = 1");
  if (!rows) return std::unexpected(std::move(rows).error());
  if (rows->Rows() != 1) return MakeError(ErrorCode::kCorruption, "log_head row is missing");
  auto size = rows->Int8(0, 0);
  if (!size) return std::unexpected(std::move(size).error());
  if (*size < 0) return MakeError(ErrorCode::kCorruption, "log_head size is negative");
  LogHead head{static_cast<uint64_t>(*size), std::nullopt};
  if (!rows->IsNull(0, 1)) {
    auto root = ReadHash(*rows, 0, 1, "log_head root");
    if (!root) return std::unexpected(std::move(root).error());
    head.root = *root;
  }
  return head;
}

Result<uint64_t> ReadLogSize(Connection& db, bool lock) {
  auto head = ReadLogHead(db, lock);
  if (!head) return std::unexpected(std::move(head).error());
  return head->size;
}

// Gives leaves[i] the index first_seq + i and moves the head to the new
// size with `root` (nullopt: unknown), inside the caller's transaction that
// holds the log_head lock and checked first_seq against it.
Status AssignSeqs(Connection& db, uint64_t first_seq, std::span<const Hash256> leaves,
                  const std::optional<Hash256>& root);

// Inserts a checkpoint after checking it against the log as it will be once
// the surrounding transaction commits (as SqliteStore does).
Status InsertCheckpoint(Connection& db, const StoredCheckpoint& checkpoint, uint64_t log_size,
                        bool exact_size) {
  auto latest = ReadLatestCheckpoint(db);
  if (!latest) return std::unexpected(std::move(latest).error());
  ACTA_RETURN_IF_ERROR(CheckCheckpointPlacement(checkpoint, log_size, exact_size, *latest));
  ACTA_RETURN_IF_ERROR(
      db.Query("INSERT INTO checkpoints (size, root, note, created_at_ms) VALUES ($1, $2, $3, $4)",
               Params()
                   .Int8(static_cast<int64_t>(checkpoint.size))
                   .Bytes(checkpoint.root)
                   .Bytes(AsBytes(checkpoint.note))
                   .Int8(static_cast<int64_t>(checkpoint.created_at_ms))));
  return Ok();
}

// The multi-row INSERT of InsertAccepted: one statement, so one
// transaction.
Status InsertBatch(Connection& db, const Params& params) {
  ACTA_RETURN_IF_ERROR(db.Query(
      "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, received_at_ms, "
      "receipt, conflict) "
      "SELECT leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt, conflict "
      "FROM unnest($1, $2, $3, $4, $5, $6, $7, $8) WITH ORDINALITY "
      "AS v (leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt, conflict, "
      "ord) ORDER BY ord "
      "ON CONFLICT (leaf_hash) DO NOTHING",
      params));
  return Ok();
}

// After the UPDATE of a Sequence matched fewer rows than leaves: finds the
// first leaf, in list order, that is unknown, already in the log before
// first_seq, or listed a second time, as SqliteStore reports it.
Status DiagnoseSequence(Connection& db, uint64_t first_seq, std::span<const Hash256> leaves) {
  ArrayParam array(pg::kByteaOid);
  for (const Hash256& leaf : leaves) array.AddBytes(leaf);
  auto rows = db.Query("SELECT leaf_hash, seq FROM accepted WHERE leaf_hash = ANY($1)",
                       Params().Array(pg::kByteaArrayOid, array));
  if (!rows) return std::unexpected(std::move(rows).error());
  std::map<Hash256, std::optional<int64_t>> stored;
  for (int i = 0; i < rows->Rows(); ++i) {
    auto leaf = ReadHash(*rows, i, 0, "leaf_hash");
    if (!leaf) return std::unexpected(std::move(leaf).error());
    std::optional<int64_t> seq;
    if (!rows->IsNull(i, 1)) {
      auto s = rows->Int8(i, 1);
      if (!s) return std::unexpected(std::move(s).error());
      seq = *s;
    }
    stored[*leaf] = seq;
  }
  std::set<Hash256> seen;
  for (const Hash256& leaf : leaves) {
    auto it = stored.find(leaf);
    if (it == stored.end()) {
      return MakeError(ErrorCode::kNotFound, "cannot sequence unknown leaf " + HexEncode(leaf));
    }
    if (!seen.insert(leaf).second) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "leaf " + HexEncode(leaf) + " is listed twice");
    }
    // The log held exactly first_seq entries when this transaction locked
    // it, so a seq below first_seq was there before; ours are at or above.
    if (it->second && static_cast<uint64_t>(*it->second) < first_seq) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "leaf " + HexEncode(leaf) + " is already sequenced at " + std::to_string(*it->second));
    }
  }
  return MakeError(ErrorCode::kInternal, "sequence matched fewer rows than leaves");
}

Status AssignSeqs(Connection& db, uint64_t first_seq, std::span<const Hash256> leaves,
                  const std::optional<Hash256>& root) {
  if (leaves.empty()) return Ok();
  ArrayParam array(pg::kByteaOid);
  for (const Hash256& leaf : leaves) array.AddBytes(leaf);
  auto updated = db.Query(
      "UPDATE accepted AS a SET seq = $1 + v.ord - 1 "
      "FROM unnest($2) WITH ORDINALITY AS v (leaf, ord) "
      "WHERE a.leaf_hash = v.leaf AND a.seq IS NULL",
      Params().Int8(static_cast<int64_t>(first_seq)).Array(pg::kByteaArrayOid, array));
  if (!updated) return std::unexpected(std::move(updated).error());
  if (updated->Affected() != leaves.size()) return DiagnoseSequence(db, first_seq, leaves);
  const auto new_size = static_cast<int64_t>(first_seq + leaves.size());
  if (root) {
    ACTA_RETURN_IF_ERROR(db.Query("UPDATE log_head SET size = $1, root = $2 WHERE id = 1",
                                  Params().Int8(new_size).Bytes(*root)));
  } else {
    ACTA_RETURN_IF_ERROR(db.Query("UPDATE log_head SET size = $1, root = NULL WHERE id = 1",
                                  Params().Int8(new_size)));
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           PostgresStoreOptions options) {
  // One connection now, so a bad URL or an unreachable server is reported
  // by Open; it stays in the pool for the first call.
  std::unique_ptr<PostgresStore> store(new PostgresStore(url, options));
  ACTA_RETURN_IF_ERROR(store->pool_.Run([](Connection&) -> Status { return Ok(); }));
  return store;
}

PostgresStore::PostgresStore(std::string url, PostgresStoreOptions options)
    : name_(pg::DescribeUrl(url)),
      options_(options),
      pool_(std::move(url), options.connect, options.max_connections,
            options.max_idle_connections) {}

PostgresStore::~PostgresStore() = default;

Status PostgresStore::CheckInitialized() const {
  if (!initialized_.load(std::memory_order_acquire)) {
    return MakeError(ErrorCode::kFailedPrecondition, "store " + name_ + " used before Initialize");
  }
  return Ok();
}

Status PostgresStore::Initialize(const Hash256& election_id) {
  ACTA_RETURN_IF_ERROR(pool_.Run([&](Connection& db) -> Status {
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(std::move(txn).error());
    ACTA_RETURN_IF_ERROR(pg::MigrateSchema(db));
    auto rows = db.Query("SELECT value FROM meta WHERE key = $1", Params().Text(kElectionIdKey));
    if (!rows) return std::unexpected(std::move(rows).error());
    if (rows->Rows() == 0) {
      ACTA_RETURN_IF_ERROR(db.Query("INSERT INTO meta (key, value) VALUES ($1, $2)",
                                    Params().Text(kElectionIdKey).Bytes(election_id)));
    } else {
      auto stored = rows->Bytes(0, 0);
      if (!stored) return std::unexpected(std::move(stored).error());
      if (!std::ranges::equal(*stored, election_id)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "store " + name_ + " belongs to election " + HexEncode(*stored) +
                             ", not to election " + HexEncode(election_id));
      }
    }
    return txn->Commit();
  }));
  initialized_.store(true, std::memory_order_release);
  return Ok();
}

Status PostgresStore::InsertAccepted(std::span<const AcceptedActa> actas) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  for (const AcceptedActa& acta : actas) ACTA_RETURN_IF_ERROR(ValidateAccepted(acta));
  if (actas.empty()) return Ok();
  ArrayParam leaf(pg::kByteaOid), table(pg::kInt8Oid), correction(pg::kInt8Oid),
      bytes(pg::kByteaOid), lane(pg::kInt8Oid), received(pg::kInt8Oid), receipt(pg::kByteaOid),
      conflict(pg::kBoolOid);
  for (const AcceptedActa& a : actas) {
    leaf.AddBytes(a.leaf_hash);
    table.AddInt8(a.table_id);
    correction.AddInt8(a.correction);
    bytes.AddBytes(a.bytes);
    lane.AddInt8(static_cast<int64_t>(a.lane));
    received.AddInt8(static_cast<int64_t>(a.received_at_ms));
    receipt.AddBytes(a.receipt);
    conflict.AddBool(a.conflict);
  }
  Params params;
  params.Array(pg::kByteaArrayOid, leaf)
      .Array(pg::kInt8ArrayOid, table)
      .Array(pg::kInt8ArrayOid, correction)
      .Array(pg::kByteaArrayOid, bytes)
      .Array(pg::kInt8ArrayOid, lane)
      .Array(pg::kInt8ArrayOid, received)
      .Array(pg::kByteaArrayOid, receipt)
      .Array(pg::kBoolArrayOid, conflict);
  // One statement is one transaction: it returns after its COMMIT is flushed
  // (synchronous_commit), and being idempotent it is safe for the pool to
  // retry. ON CONFLICT (leaf_hash) skips only a duplicate leaf (also within
  // the batch); any other violation aborts the whole batch. ORDER BY ord
  // keeps arrival order (the identity id) equal to batch order.
  //
  // Two centers inserting overlapping batches in different orders can
  // deadlock on each other's uncommitted leaves; the server aborts one
  // statement, which changed nothing, so it is simply run again.
  //
  // With require_sync_standby a primary without a synchronous standby is
  // refused before anything is written, and the batch is acknowledged only
  // once a synchronous standby holds it: also when every row was already
  // stored (a retry after an unknown outcome), since those rows may be
  // visible on this primary without being on any standby.
  constexpr int kDeadlockRetries = 3;
  return pool_.Run([&](Connection& db) -> Status {
    if (options_.require_sync_standby) ACTA_RETURN_IF_ERROR(pg::CheckSyncStandbyAttached(db));
    Status status;
    for (int attempt = 0; attempt <= kDeadlockRetries; ++attempt) {
      status = InsertBatch(db, params);
      if (status || db.last_sqlstate() != "40P01") break;
    }
    if (!status) return status;
    return Confirm(db);
  });
}

Status PostgresStore::QueryRows(Connection& db, const std::string& sql, const Params& params,
                                const Visitor& fn, int64_t* last_key) {
  auto rows = db.Query(sql, params);
  if (!rows) return std::unexpected(std::move(rows).error());
  for (int i = 0; i < rows->Rows(); ++i) {
    auto acta = ReadRow(*rows, i);
    if (!acta) return std::unexpected(std::move(acta).error());
    if (last_key != nullptr) {
      auto key = rows->Int8(i, 9);
      if (!key) return std::unexpected(std::move(key).error());
      *last_key = *key;
    }
    ACTA_RETURN_IF_ERROR(fn(*acta));
  }
  return Ok();
}

Result<std::optional<AcceptedActa>> PostgresStore::FindByLeaf(const Hash256& leaf_hash) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  std::optional<AcceptedActa> found;
  ACTA_RETURN_IF_ERROR(pool_.Run([&](Connection& db) {
    return QueryRows(db, std::string(kRowColumns) + " FROM accepted WHERE leaf_hash = $1",
                     Params().Bytes(leaf_hash), [&](const AcceptedActa& acta) -> Status {
                       found = acta;
                       return Ok();
                     });
  }));
  return found;
}

Result<std::vector<AcceptedActa>> PostgresStore::FindByTable(uint32_t table_id) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  std::vector<AcceptedActa> out;
  ACTA_RETURN_IF_ERROR(pool_.Run([&](Connection& db) {
    out.clear();
    return QueryRows(db,
                     std::string(kRowColumns) + " FROM accepted WHERE table_id = $1 ORDER BY id",
                     Params().Int8(table_id), [&](const AcceptedActa& acta) -> Status {
                       out.push_back(acta);
                       return Ok();
                     });
  }));
  return out;
}

Result<std::vector<AcceptedActa>> PostgresStore::LoadUnsequenced(size_t limit) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  std::vector<AcceptedActa> out;
  ACTA_RETURN_IF_ERROR(pool_.Run([&](Connection& db) {
    out.clear();
    return QueryRows(
        db, std::string(kRowColumns) + " FROM accepted WHERE seq IS NULL ORDER BY id LIMIT $1",
        Params().Int8(ClampToInt64(limit)), [&](const AcceptedActa& acta) -> Status {
          out.push_back(acta);
          return Ok();
        });
  }));
  return out;
}

Status PostgresStore::ForEachPaged(const std::string& sql, int64_t after,
                                   std::optional<int64_t> bound, const Visitor& fn) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) -> Status {
    // One snapshot for all pages: the stream is consistent even while other
    // centers insert and sequence, and memory stays at one page.
    auto txn = Transaction::Begin(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!txn) return std::unexpected(std::move(txn).error());
    int64_t key = after;
    while (true) {
      Params params;
      params.Int8(key);
      if (bound) params.Int8(*bound);
      params.Int8(options_.page_rows);
      int rows = 0;
      ACTA_RETURN_IF_ERROR(QueryRows(
          db, sql, params,
          [&](const AcceptedActa& acta) -> Status {
            ++rows;
            return fn(acta);
          },
          &key));
      if (rows < options_.page_rows) break;
    }
    return txn->Commit();
  });
}

Status PostgresStore::ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) {
  if (from > to) {
    return MakeError(ErrorCode::kInvalidArgument, "ForEachSequenced: from " + std::to_string(from) +
                                                      " is past to " + std::to_string(to));
  }
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  if (from >= static_cast<uint64_t>(kMaxInt64)) return Ok();  // no seq can be that large
  return ForEachPaged(std::string(kRowColumns) +
                          ", seq FROM accepted WHERE seq > $1 AND seq < $2 ORDER BY seq LIMIT $3",
                      static_cast<int64_t>(from) - 1, ClampToInt64(to), fn);
}

Status PostgresStore::ForEachAccepted(const Visitor& fn) {
  return ForEachPaged(
      std::string(kRowColumns) + ", id FROM accepted WHERE id > $1 ORDER BY id LIMIT $2",
      std::numeric_limits<int64_t>::min(), std::nullopt, fn);
}

Status PostgresStore::Confirm(Connection& db) {
  if (!options_.require_sync_standby) return Ok();
  return pg::ConfirmOnSyncStandby(db, options_.sync_wait);
}

Status PostgresStore::ConfirmReplicated() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  if (!options_.require_sync_standby) return Ok();
  return pool_.Run([&](Connection& db) { return Confirm(db); });
}

Status PostgresStore::Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                               const std::optional<StoredCheckpoint>& checkpoint) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) -> Status {
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(std::move(txn).error());
    auto size = ReadLogSize(db, /*lock=*/true);
    if (!size) return std::unexpected(std::move(size).error());
    if (first_seq != *size) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "cannot sequence at " + std::to_string(first_seq) + ": the log has " +
                           std::to_string(*size) + " entries");
    }
    // The head's root is known only when a checkpoint of the new size comes
    // with the entries; otherwise it is forgotten (a fenced Sequence then
    // compares the size alone).
    ACTA_RETURN_IF_ERROR(
        AssignSeqs(db, first_seq, leaves,
                   checkpoint ? std::optional<Hash256>(checkpoint->root) : std::nullopt));
    if (checkpoint) {
      ACTA_RETURN_IF_ERROR(
          InsertCheckpoint(db, *checkpoint, first_seq + leaves.size(), /*exact_size=*/true));
    }
    ACTA_RETURN_IF_ERROR(txn->Commit());
    return Confirm(db);
  });
}

Status PostgresStore::SequenceFenced(const TreeHead& expected, std::span<const Hash256> leaves,
                                     const TreeHead& next) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  ACTA_RETURN_IF_ERROR(CheckFencedArguments(expected, leaves.size(), next));
  return pool_.Run([&](Connection& db) -> Status {
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(std::move(txn).error());
    // The compare and the swap happen under the log_head row lock: on one
    // primary, of two sequencers with the same expected head only the first
    // to lock it extends the log.
    auto head = ReadLogHead(db, /*lock=*/true);
    if (!head) return std::unexpected(std::move(head).error());
    ACTA_RETURN_IF_ERROR(CheckStoredHead(expected, head->size, head->root));
    if (leaves.empty()) return Ok();
    ACTA_RETURN_IF_ERROR(AssignSeqs(db, expected.size, leaves, next.root));
    ACTA_RETURN_IF_ERROR(txn->Commit());
    return Confirm(db);
  });
}

Status PostgresStore::AddCheckpoint(const StoredCheckpoint& checkpoint) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) -> Status {
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(std::move(txn).error());
    // The lock also orders concurrent AddCheckpoint calls, so "never older
    // than the latest" holds across centers.
    auto size = ReadLogSize(db, /*lock=*/true);
    if (!size) return std::unexpected(std::move(size).error());
    ACTA_RETURN_IF_ERROR(InsertCheckpoint(db, checkpoint, *size, /*exact_size=*/false));
    ACTA_RETURN_IF_ERROR(txn->Commit());
    return Confirm(db);
  });
}

Result<std::vector<StoredCheckpoint>> PostgresStore::ListCheckpoints() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) -> Result<std::vector<StoredCheckpoint>> {
    auto rows = db.Query(std::string(kCheckpointColumns) + "ORDER BY id");
    if (!rows) return std::unexpected(std::move(rows).error());
    return ReadCheckpoints(*rows);
  });
}

Result<std::optional<StoredCheckpoint>> PostgresStore::LatestCheckpoint() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) { return ReadLatestCheckpoint(db); });
}

Result<uint64_t> PostgresStore::SequencedCount() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) { return ReadLogSize(db, /*lock=*/false); });
}

Status PostgresStore::AddCosignature(const StoredCosignature& cosignature) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  ACTA_RETURN_IF_ERROR(ValidateCosignature(cosignature));
  return pool_.Run([&](Connection& db) -> Status {
    // One statement: inserted only beside a stored checkpoint of that tree;
    // a second line for (size, root, witness) is ignored.
    auto rows = db.Query(
        "WITH known AS (SELECT 1 FROM checkpoints WHERE size = $1 AND root = $2 LIMIT 1), "
        "ins AS (INSERT INTO cosignatures (size, root, witness, line) "
        "SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM known) ON CONFLICT DO NOTHING) "
        "SELECT count(*) FROM known",
        Params()
            .Int8(static_cast<int64_t>(cosignature.size))
            .Bytes(cosignature.root)
            .Int8(cosignature.witness)
            .Bytes(AsBytes(cosignature.line)));
    if (!rows) return std::unexpected(std::move(rows).error());
    auto known = rows->Int8(0, 0);
    if (!known) return std::unexpected(std::move(known).error());
    if (*known == 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "no stored checkpoint of size " + std::to_string(cosignature.size) +
                           " has the cosigned root " + HexEncode(cosignature.root));
    }
    return Confirm(db);
  });
}

Result<std::vector<StoredCosignature>> PostgresStore::ListCosignatures(uint64_t min_size) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  return pool_.Run([&](Connection& db) -> Result<std::vector<StoredCosignature>> {
    auto rows = db.Query(
        "SELECT size, root, witness, line FROM cosignatures WHERE size >= $1 "
        "ORDER BY size, root, witness",
        Params().Int8(static_cast<int64_t>(std::min<uint64_t>(min_size, INT64_MAX))));
    if (!rows) return std::unexpected(std::move(rows).error());
    return pg::ReadCosignatures(*rows);
  });
}

}  // namespace acta::store
