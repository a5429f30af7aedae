#include "store/sqlite_store.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "core/receipt.h"
#include "store/sqlite_schema.h"

namespace acta::store {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::WriteTransaction;

namespace {

constexpr char kElectionIdKey[] = "election_id";
constexpr char kRowColumns[] =
    "SELECT leaf_hash, table_id, correction, bytes, lane, received_at_ms, receipt, conflict, seq "
    "FROM accepted ";

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// SQLite integers are signed 64-bit; log indexes and limits never get near
// 2^63, so clamping only affects "no upper bound" arguments.
int64_t ClampToInt64(uint64_t v) {
  return v > static_cast<uint64_t>(kMaxInt64) ? kMaxInt64 : static_cast<int64_t>(v);
}

template <size_t N>
Result<std::array<uint8_t, N>> FixedBlob(ByteSpan blob, const char* what) {
  if (blob.size() != N) {
    return MakeError(ErrorCode::kCorruption, std::string("stored ") + what + " has " +
                                                 std::to_string(blob.size()) + " bytes, expected " +
                                                 std::to_string(N));
  }
  std::array<uint8_t, N> out;
  std::copy(blob.begin(), blob.end(), out.begin());
  return out;
}

// Decodes a row selected with kRowColumns, checking the shape the schema's
// CHECK constraints cannot (blob lengths that matter to callers).
Result<AcceptedActa> ReadRow(const Statement& row) {
  AcceptedActa acta;
  auto leaf = FixedBlob<32>(row.Blob(0), "leaf_hash");
  if (!leaf) return std::unexpected(std::move(leaf).error());
  acta.leaf_hash = *leaf;
  acta.table_id = static_cast<uint32_t>(row.Int(1));
  acta.correction = static_cast<uint32_t>(row.Int(2));
  ByteSpan bytes = row.Blob(3);
  acta.bytes.assign(bytes.begin(), bytes.end());
  int64_t lane = row.Int(4);
  if (lane != 0 && lane != 1)
    return MakeError(ErrorCode::kCorruption, "stored lane " + std::to_string(lane));
  acta.lane = static_cast<Lane>(lane);
  acta.received_at_ms = static_cast<uint64_t>(row.Int(5));
  ByteSpan receipt = row.Blob(6);
  if (receipt.size() != kReceiptSize) {
    return MakeError(ErrorCode::kCorruption,
                     "stored receipt has " + std::to_string(receipt.size()) + " bytes");
  }
  acta.receipt.assign(receipt.begin(), receipt.end());
  acta.conflict = row.Int(7) != 0;
  if (!row.IsNull(8)) acta.seq = static_cast<uint64_t>(row.Int(8));
  return acta;
}

Result<StoredCheckpoint> ReadCheckpoint(const Statement& row) {
  StoredCheckpoint checkpoint;
  checkpoint.size = static_cast<uint64_t>(row.Int(0));
  auto root = FixedBlob<32>(row.Blob(1), "checkpoint root");
  if (!root) return std::unexpected(std::move(root).error());
  checkpoint.root = *root;
  checkpoint.note = std::string(row.Text(2));
  checkpoint.created_at_ms = static_cast<uint64_t>(row.Int(3));
  return checkpoint;
}

Result<uint64_t> CountSequenced(Connection& db) {
  // seq is UNIQUE, so MAX is an index lookup; Sequence keeps seq contiguous
  // from 0, so the count is MAX + 1.
  auto stmt = db.Prepare("SELECT MAX(seq) FROM accepted");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row || stmt->IsNull(0)) return 0;
  return static_cast<uint64_t>(stmt->Int(0)) + 1;
}

Result<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(Connection& db) {
  auto stmt = db.Prepare(
      "SELECT size, root, note, created_at_ms FROM checkpoints ORDER BY id DESC LIMIT 1");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row) return std::nullopt;
  auto checkpoint = ReadCheckpoint(*stmt);
  if (!checkpoint) return std::unexpected(std::move(checkpoint).error());
  return std::optional<StoredCheckpoint>(std::move(*checkpoint));
}

// Inserts a checkpoint after checking it against the log as it will be once
// the surrounding transaction commits. `exact_size`: Sequence requires the
// checkpoint to be of exactly the new log, AddCheckpoint of at most it.
Status InsertCheckpoint(Connection& db, const StoredCheckpoint& checkpoint, uint64_t log_size,
                        bool exact_size) {
  auto latest = ReadLatestCheckpoint(db);
  if (!latest) return std::unexpected(std::move(latest).error());
  ACTA_RETURN_IF_ERROR(CheckCheckpointPlacement(checkpoint, log_size, exact_size, *latest));
  auto insert =
      db.Prepare("INSERT INTO checkpoints (size, root, note, created_at_ms) VALUES (?, ?, ?, ?)");
  if (!insert) return std::unexpected(std::move(insert).error());
  insert->BindInt(1, static_cast<int64_t>(checkpoint.size));
  insert->BindBlob(2, checkpoint.root);
  insert->BindText(3, checkpoint.note);
  insert->BindInt(4, static_cast<int64_t>(checkpoint.created_at_ms));
  return insert->Run();
}

// Gives leaves[i] the index first_seq + i inside the caller's write
// transaction. kNotFound for an unknown leaf, kFailedPrecondition for one
// already sequenced (or listed twice).
Status AssignSeqs(Connection& db, uint64_t first_seq, std::span<const Hash256> leaves) {
  for (size_t i = 0; i < leaves.size(); ++i) {
    const uint64_t seq = first_seq + i;
    {
      auto update = db.Prepare("UPDATE accepted SET seq = ? WHERE leaf_hash = ? AND seq IS NULL");
      if (!update) return std::unexpected(std::move(update).error());
      update->BindInt(1, static_cast<int64_t>(seq));
      update->BindBlob(2, leaves[i]);
      ACTA_RETURN_IF_ERROR(update->Run());
    }
    if (db.Changes() == 1) continue;
    // Nothing updated: tell a missing leaf from one already in the log.
    auto select = db.Prepare("SELECT seq FROM accepted WHERE leaf_hash = ?");
    if (!select) return std::unexpected(std::move(select).error());
    select->BindBlob(1, leaves[i]);
    auto row = select->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row)
      return MakeError(ErrorCode::kNotFound,
                       "cannot sequence unknown leaf " + HexEncode(leaves[i]));
    return MakeError(ErrorCode::kFailedPrecondition, "leaf " + HexEncode(leaves[i]) +
                                                         " is already sequenced at " +
                                                         std::to_string(select->Int(0)));
  }
  return Ok();
}

// The root of the log head (meta key "tree_root"), or nullopt when the last
// Sequence did not know it.
Result<std::optional<Hash256>> ReadHeadRoot(Connection& db) {
  auto stmt = db.Prepare("SELECT value FROM meta WHERE key = 'tree_root'");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row) return std::nullopt;
  auto root = FixedBlob<32>(stmt->Blob(0), "tree_root");
  if (!root) return std::unexpected(std::move(root).error());
  return std::optional<Hash256>(*root);
}

Status WriteHeadRoot(Connection& db, const std::optional<Hash256>& root) {
  if (!root) {
    auto erase = db.Prepare("DELETE FROM meta WHERE key = 'tree_root'");
    if (!erase) return std::unexpected(std::move(erase).error());
    return erase->Run();
  }
  auto upsert = db.Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('tree_root', ?)");
  if (!upsert) return std::unexpected(std::move(upsert).error());
  upsert->BindBlob(1, *root);
  return upsert->Run();
}

}  // namespace

// A read connection borrowed from the pool; returned when destroyed.
class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore* store, std::unique_ptr<Connection> db)
      : store_(store), db_(std::move(db)) {}
  ReaderLease(ReaderLease&&) noexcept = default;
  ~ReaderLease() {
    if (db_ != nullptr) store_->ReleaseReader(std::move(db_));
  }
  Connection& operator*() { return *db_; }
  Connection* operator->() { return db_.get(); }

 private:
  SqliteStore* store_;
  std::unique_ptr<Connection> db_;
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       SqliteStoreOptions options) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "sqlite store needs a plain file path (got \"" + path +
                         "\"); in-memory and URI names are not supported");
  }
  auto writer = Connection::Open(path, /*read_only=*/false, options.busy_timeout_ms);
  if (!writer) return std::unexpected(std::move(writer).error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, options, std::move(*writer)));
}

SqliteStore::SqliteStore(std::string path, SqliteStoreOptions options,
                         std::unique_ptr<Connection> writer)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

Status SqliteStore::CheckInitialized() const {
  if (!initialized_.load(std::memory_order_acquire)) {
    return MakeError(ErrorCode::kFailedPrecondition, "store " + path_ + " used before Initialize");
  }
  return Ok();
}

Result<SqliteStore::ReaderLease> SqliteStore::AcquireReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReaderLease(this, std::move(db));
    }
  }
  auto db = Connection::Open(path_, /*read_only=*/true, options_.busy_timeout_ms);
  if (!db) return std::unexpected(std::move(db).error());
  return ReaderLease(this, std::move(*db));
}

void SqliteStore::ReleaseReader(std::unique_ptr<Connection> reader) {
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(reader));
}

Status SqliteStore::Initialize(const Hash256& election_id) {
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  ACTA_RETURN_IF_ERROR(sqlite::MigrateSchema(*writer_));
  std::optional<Bytes> stored;
  {
    auto select = writer_->Prepare(std::string("SELECT value FROM meta WHERE key = '") +
                                   kElectionIdKey + "'");
    if (!select) return std::unexpected(std::move(select).error());
    auto row = select->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (*row) stored = Bytes(select->Blob(0).begin(), select->Blob(0).end());
  }
  if (!stored) {
    auto insert = writer_->Prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    if (!insert) return std::unexpected(std::move(insert).error());
    insert->BindText(1, kElectionIdKey);
    insert->BindBlob(2, election_id);
    ACTA_RETURN_IF_ERROR(insert->Run());
  } else if (!std::ranges::equal(*stored, election_id)) {
    return MakeError(ErrorCode::kFailedPrecondition, "store " + path_ + " belongs to election " +
                                                         HexEncode(*stored) + ", not to election " +
                                                         HexEncode(election_id));
  }
  ACTA_RETURN_IF_ERROR(txn->Commit());
  initialized_.store(true, std::memory_order_release);
  return Ok();
}

Status SqliteStore::InsertAccepted(std::span<const AcceptedActa> actas) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  for (const AcceptedActa& acta : actas) ACTA_RETURN_IF_ERROR(ValidateAccepted(acta));
  if (actas.empty()) return Ok();
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  for (const AcceptedActa& acta : actas) {
    // ON CONFLICT ... DO NOTHING (not OR IGNORE) so only a duplicate leaf is
    // skipped; any other constraint failure still aborts the batch.
    auto insert = writer_->Prepare(
        "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, received_at_ms, "
        "receipt, conflict) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (leaf_hash) DO NOTHING");
    if (!insert) return std::unexpected(std::move(insert).error());
    insert->BindBlob(1, acta.leaf_hash);
    insert->BindInt(2, acta.table_id);
    insert->BindInt(3, acta.correction);
    insert->BindBlob(4, acta.bytes);
    insert->BindInt(5, static_cast<int64_t>(acta.lane));
    insert->BindInt(6, static_cast<int64_t>(acta.received_at_ms));
    insert->BindBlob(7, acta.receipt);
    insert->BindInt(8, acta.conflict ? 1 : 0);
    ACTA_RETURN_IF_ERROR(insert->Run());
  }
  return txn->Commit();
}

Status SqliteStore::QueryRows(const std::string& sql, const std::function<void(Statement&)>& bind,
                              const Visitor& fn) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  auto reader = AcquireReader();
  if (!reader) return std::unexpected(std::move(reader).error());
  auto stmt = (*reader)->Prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt).error());
  bind(*stmt);
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return Ok();
    auto acta = ReadRow(*stmt);
    if (!acta) return std::unexpected(std::move(acta).error());
    ACTA_RETURN_IF_ERROR(fn(*acta));
  }
}

Result<std::optional<AcceptedActa>> SqliteStore::FindByLeaf(const Hash256& leaf_hash) {
  std::optional<AcceptedActa> found;
  ACTA_RETURN_IF_ERROR(QueryRows(
      std::string(kRowColumns) + "WHERE leaf_hash = ?",
      [&](Statement& s) { s.BindBlob(1, leaf_hash); },
      [&](const AcceptedActa& acta) -> Status {
        found = acta;
        return Ok();
      }));
  return found;
}

Result<std::vector<AcceptedActa>> SqliteStore::FindByTable(uint32_t table_id) {
  std::vector<AcceptedActa> out;
  ACTA_RETURN_IF_ERROR(QueryRows(
      std::string(kRowColumns) + "WHERE table_id = ? ORDER BY id",
      [&](Statement& s) { s.BindInt(1, table_id); },
      [&](const AcceptedActa& acta) -> Status {
        out.push_back(acta);
        return Ok();
      }));
  return out;
}

Result<std::vector<AcceptedActa>> SqliteStore::LoadUnsequenced(size_t limit) {
  std::vector<AcceptedActa> out;
  ACTA_RETURN_IF_ERROR(QueryRows(
      std::string(kRowColumns) + "WHERE seq IS NULL ORDER BY id LIMIT ?",
      [&](Statement& s) { s.BindInt(1, ClampToInt64(limit)); },
      [&](const AcceptedActa& acta) -> Status {
        out.push_back(acta);
        return Ok();
      }));
  return out;
}

Status SqliteStore::ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) {
  if (from > to) {
    return MakeError(ErrorCode::kInvalidArgument, "ForEachSequenced: from " + std::to_string(from) +
                                                      " is past to " + std::to_string(to));
  }
  return QueryRows(
      std::string(kRowColumns) + "WHERE seq >= ? AND seq < ? ORDER BY seq",
      [&](Statement& s) {
        s.BindInt(1, ClampToInt64(from));
        s.BindInt(2, ClampToInt64(to));
      },
      fn);
}

Status SqliteStore::ForEachAccepted(const Visitor& fn) {
  return QueryRows(
      std::string(kRowColumns) + "ORDER BY id", [](Statement&) {}, fn);
}

Status SqliteStore::Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                             const std::optional<StoredCheckpoint>& checkpoint) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  // Read inside the write transaction: no other writer can move the count
  // between this check and the commit.
  auto count = CountSequenced(*writer_);
  if (!count) return std::unexpected(std::move(count).error());
  if (first_seq != *count) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "cannot sequence at " + std::to_string(first_seq) + ": the log has " +
                         std::to_string(*count) + " entries");
  }
  ACTA_RETURN_IF_ERROR(AssignSeqs(*writer_, first_seq, leaves));
  // The head's root is known only when a checkpoint of the new size comes
  // with it; otherwise it is forgotten (a fenced Sequence then compares the
  // size alone).
  if (!leaves.empty()) {
    ACTA_RETURN_IF_ERROR(WriteHeadRoot(
        *writer_, checkpoint ? std::optional<Hash256>(checkpoint->root) : std::nullopt));
  }
  if (checkpoint) {
    ACTA_RETURN_IF_ERROR(
        InsertCheckpoint(*writer_, *checkpoint, first_seq + leaves.size(), /*exact_size=*/true));
  }
  return txn->Commit();
}

Status SqliteStore::SequenceFenced(const TreeHead& expected, std::span<const Hash256> leaves,
                                   const TreeHead& next) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  ACTA_RETURN_IF_ERROR(CheckFencedArguments(expected, leaves.size(), next));
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  auto count = CountSequenced(*writer_);
  if (!count) return std::unexpected(std::move(count).error());
  auto root = ReadHeadRoot(*writer_);
  if (!root) return std::unexpected(std::move(root).error());
  ACTA_RETURN_IF_ERROR(CheckStoredHead(expected, *count, *root));
  if (leaves.empty()) return Ok();
  ACTA_RETURN_IF_ERROR(AssignSeqs(*writer_, expected.size, leaves));
  ACTA_RETURN_IF_ERROR(WriteHeadRoot(*writer_, next.root));
  return txn->Commit();
}

// An SQLite file has one writer process at a time (its lock) and a commit
// is on disk when it returns: there is no standby to wait for.
Status SqliteStore::ConfirmReplicated() { return CheckInitialized(); }

Status SqliteStore::AddCheckpoint(const StoredCheckpoint& checkpoint) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  auto count = CountSequenced(*writer_);
  if (!count) return std::unexpected(std::move(count).error());
  ACTA_RETURN_IF_ERROR(InsertCheckpoint(*writer_, checkpoint, *count, /*exact_size=*/false));
  return txn->Commit();
}

Result<std::vector<StoredCheckpoint>> SqliteStore::ListCheckpoints() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  auto reader = AcquireReader();
  if (!reader) return std::unexpected(std::move(reader).error());
  auto stmt =
      (*reader)->Prepare("SELECT size, root, note, created_at_ms FROM checkpoints ORDER BY id");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  std::vector<StoredCheckpoint> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return out;
    auto checkpoint = ReadCheckpoint(*stmt);
    if (!checkpoint) return std::unexpected(std::move(checkpoint).error());
    out.push_back(std::move(*checkpoint));
  }
}

Result<std::optional<StoredCheckpoint>> SqliteStore::LatestCheckpoint() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  auto reader = AcquireReader();
  if (!reader) return std::unexpected(std::move(reader).error());
  return ReadLatestCheckpoint(**reader);
}

Result<uint64_t> SqliteStore::SequencedCount() {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  auto reader = AcquireReader();
  if (!reader) return std::unexpected(std::move(reader).error());
  return CountSequenced(**reader);
}

Status SqliteStore::AddCosignature(const StoredCosignature& cosignature) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  ACTA_RETURN_IF_ERROR(ValidateCosignature(cosignature));
  std::lock_guard lock(write_mu_);
  auto txn = WriteTransaction::Begin(*writer_);
  if (!txn) return std::unexpected(std::move(txn).error());
  {
    auto known = writer_->Prepare("SELECT 1 FROM checkpoints WHERE size = ? AND root = ? LIMIT 1");
    if (!known) return std::unexpected(std::move(known).error());
    known->BindInt(1, static_cast<int64_t>(cosignature.size));
    known->BindBlob(2, cosignature.root);
    auto row = known->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "no stored checkpoint of size " + std::to_string(cosignature.size) +
                           " has the cosigned root " + HexEncode(cosignature.root));
    }
  }
  auto insert = writer_->Prepare(
      "INSERT OR IGNORE INTO cosignatures (size, root, witness, line) VALUES (?, ?, ?, ?)");
  if (!insert) return std::unexpected(std::move(insert).error());
  insert->BindInt(1, static_cast<int64_t>(cosignature.size));
  insert->BindBlob(2, cosignature.root);
  insert->BindInt(3, cosignature.witness);
  insert->BindText(4, cosignature.line);
  ACTA_RETURN_IF_ERROR(insert->Run());
  return txn->Commit();
}

Result<std::vector<StoredCosignature>> SqliteStore::ListCosignatures(uint64_t min_size) {
  ACTA_RETURN_IF_ERROR(CheckInitialized());
  auto reader = AcquireReader();
  if (!reader) return std::unexpected(std::move(reader).error());
  auto stmt = (*reader)->Prepare(
      "SELECT size, root, witness, line FROM cosignatures WHERE size >= ? "
      "ORDER BY size, root, witness");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  stmt->BindInt(1, static_cast<int64_t>(std::min<uint64_t>(min_size, INT64_MAX)));
  std::vector<StoredCosignature> out;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return out;
    StoredCosignature c;
    c.size = static_cast<uint64_t>(stmt->Int(0));
    auto root = FixedBlob<32>(stmt->Blob(1), "cosignature root");
    if (!root) return std::unexpected(std::move(root).error());
    c.root = *root;
    c.witness = static_cast<uint32_t>(stmt->Int(2));
    c.line = std::string(stmt->Text(3));
    out.push_back(std::move(c));
  }
}

}  // namespace acta::store
