#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

#include "store/fsync_failure.h"

namespace acta::store::sqlite {

Error SqliteError(int rc, sqlite3* db, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kUnavailable;
      break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = ErrorCode::kIo;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = ErrorCode::kCorruption;
      break;
    case SQLITE_CONSTRAINT:
      code = ErrorCode::kFailedPrecondition;
      break;
    default:
      break;
  }
  std::string message = "sqlite: " + std::string(what) + ": ";
  // sqlite3_errmsg describes the connection's last error, which is this one
  // only if db is the connection that failed; errstr always matches rc.
  message +=
      db != nullptr && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // Extended codes are on for every connection (Connection::Open).
  if (rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_DIR_FSYNC) {
    const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
    ReportFsyncFailure(message + (file != nullptr ? std::string(" on ") + file : std::string()));
  }
  return Error{code, std::move(message)};
}

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, bool* in_use)
    : stmt_(stmt), db_(db), in_use_(in_use), bind_rc_(SQLITE_OK) {
  *in_use_ = true;
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void Statement::BindInt(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindBlob(int index, ByteSpan value) {
  // A zero-length blob must still be a blob, not NULL, so pass a non-null
  // pointer even for empty spans.
  static const uint8_t kEmpty = 0;
  const void* data = value.empty() ? &kEmpty : value.data();
  int rc = sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return std::unexpected(SqliteError(bind_rc_, db_, "bind"));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(sqlite3_extended_errcode(db_), db_, sqlite3_sql(stmt_)));
}

Status Statement::Run() {
  auto row = Step();
  if (!row) return std::unexpected(std::move(row).error());
  return Ok();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

ByteSpan Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const uint8_t*>(data), static_cast<size_t>(size)};
}

std::string_view Statement::Text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {reinterpret_cast<const char*>(data), static_cast<size_t>(size)};
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only,
                                                     int busy_timeout_ms) {
  // NOMUTEX: SqliteStore serializes use of each connection itself.
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(rc, raw, "open " + path);
    sqlite3_close(raw);
    return std::unexpected(std::move(error));
  }
  std::unique_ptr<Connection> db(new Connection(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (read_only) return db;

  // WAL lets readers run beside the writer; FULL makes every commit fsync
  // the WAL, which is what "durable when InsertAccepted returns" needs.
  auto mode = db->Prepare("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(std::move(mode).error());
  auto row = mode->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row || mode->Text(0) != "wal") {
    return MakeError(ErrorCode::kIo, "sqlite: could not switch " + path + " to WAL journal mode");
  }
  ACTA_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  return db;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(const char* sql, std::string_view what) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  Error error = SqliteError(rc, db_, what.empty() ? std::string_view(sql) : what);
  if (error.message.find(text) == std::string::npos) error.message += " (" + text + ")";
  return std::unexpected(std::move(error));
}

Result<Statement> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto cached = std::make_unique<Cached>();
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                                SQLITE_PREPARE_PERSISTENT, &cached->stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(SqliteError(rc, db_, "prepare " + sql));
    it = cache_.emplace(sql, std::move(cached)).first;
  }
  if (it->second->in_use) {
    return MakeError(ErrorCode::kInternal, "sqlite: statement already in use: " + sql);
  }
  return Statement(it->second->stmt, db_, &it->second->in_use);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

Result<WriteTransaction> WriteTransaction::Begin(Connection& db) {
  ACTA_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return WriteTransaction(&db);
}

WriteTransaction::WriteTransaction(WriteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

WriteTransaction::~WriteTransaction() {
  // Nothing useful can be done if rollback fails; SQLite rolls back on its
  // own when the connection closes or the next BEGIN finds it still open.
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status WriteTransaction::Commit() {
  Status status = db_->Exec("COMMIT");
  // A failed COMMIT of an IMMEDIATE transaction leaves it open (e.g. BUSY);
  // keep db_ set so the destructor rolls it back.
  if (status) db_ = nullptr;
  return status;
}

}  // namespace acta::store::sqlite
