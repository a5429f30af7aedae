#include "witness/witness_state.h"

#include <algorithm>

#include "store/sqlite_connection.h"

namespace acta::witness {
namespace {

constexpr int64_t kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS witness_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cosigned (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  cosigned_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS evidence (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL,
  at INTEGER NOT NULL);
)sql";

}  // namespace

WitnessState::WitnessState(std::unique_ptr<store::sqlite::Connection> db) : db_(std::move(db)) {}
WitnessState::~WitnessState() = default;

Result<std::unique_ptr<WitnessState>> WitnessState::Open(const std::string& path) {
  // Start-up errors name the file, so that an operator knows which one failed.
  auto opened = OpenAt(path);
  if (!opened) {
    Error e = opened.error();
    if (!e.message.starts_with(path)) e.message = "witness state " + path + ": " + e.message;
    return std::unexpected(std::move(e));
  }
  return opened;
}

Result<std::unique_ptr<WitnessState>> WitnessState::OpenAt(const std::string& path) {
  auto db = store::sqlite::Connection::Open(path, /*read_only=*/false, /*busy_timeout_ms=*/5000);
  if (!db) return std::unexpected(db.error());
  ACTA_RETURN_IF_ERROR((*db)->Exec(kSchema, "create the witness schema"));
  auto get = (*db)->Prepare("SELECT value FROM witness_meta WHERE key = 'schema_version'");
  if (!get) return std::unexpected(get.error());
  auto row = get->Step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    const int64_t version = get->Int(0);
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kUnsupportedVersion,
                       path + ": witness schema version " + std::to_string(version) +
                           " is newer than this build's " + std::to_string(kSchemaVersion));
    }
  } else {
    ACTA_RETURN_IF_ERROR(
        (*db)->Exec("INSERT INTO witness_meta (key, value) VALUES ('schema_version', 1)"));
  }
  return std::unique_ptr<WitnessState>(new WitnessState(std::move(*db)));
}

Result<std::optional<CosignedRecord>> WitnessState::Latest(std::string_view origin) {
  auto st = db_->Prepare("SELECT size, root, note, cosigned_at FROM cosigned WHERE origin = ?");
  if (!st) return std::unexpected(st.error());
  st->BindText(1, origin);
  auto row = st->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<CosignedRecord>();
  CosignedRecord r;
  r.size = static_cast<uint64_t>(st->Int(0));
  const ByteSpan root = st->Blob(1);
  if (root.size() != r.root.size()) {
    return MakeError(ErrorCode::kCorruption,
                     "witness state: root of " + std::string(origin) + " is not 32 bytes");
  }
  std::copy(root.begin(), root.end(), r.root.begin());
  r.note = std::string(st->Text(2));
  r.cosigned_at = static_cast<uint64_t>(st->Int(3));
  return std::optional<CosignedRecord>(std::move(r));
}

Status WitnessState::Store(std::string_view origin, const CosignedRecord& record) {
  auto tx = store::sqlite::WriteTransaction::Begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  {
    auto st = db_->Prepare(
        "INSERT INTO cosigned (origin, size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
        "note = excluded.note, cosigned_at = excluded.cosigned_at");
    if (!st) return std::unexpected(st.error());
    st->BindText(1, origin);
    st->BindInt(2, static_cast<int64_t>(record.size));
    st->BindBlob(3, record.root);
    st->BindText(4, record.note);
    st->BindInt(5, static_cast<int64_t>(record.cosigned_at));
    ACTA_RETURN_IF_ERROR(st->Run());
  }
  return tx->Commit();
}

Status WitnessState::KeepEvidence(std::string_view origin, std::string_view reason,
                                  std::string_view note, uint64_t at_unix_seconds) {
  auto st = db_->Prepare("INSERT INTO evidence (origin, reason, note, at) VALUES (?, ?, ?, ?)");
  if (!st) return std::unexpected(st.error());
  st->BindText(1, origin);
  st->BindText(2, reason);
  st->BindText(3, note);
  st->BindInt(4, static_cast<int64_t>(at_unix_seconds));
  return st->Run();
}

Result<uint64_t> WitnessState::EvidenceCount(std::string_view origin) {
  auto st = db_->Prepare("SELECT COUNT(*) FROM evidence WHERE origin = ?");
  if (!st) return std::unexpected(st.error());
  st->BindText(1, origin);
  auto row = st->Step();
  if (!row) return std::unexpected(row.error());
  return static_cast<uint64_t>(st->Int(0));
}

}  // namespace acta::witness
