// A thin RAII layer over one sqlite3 connection: opening with the pragmas the
// store relies on, a per-connection cache of prepared statements, write
// transactions that roll back unless committed, and SQLite result codes
// mapped to acta ErrorCodes. Internal to the SQLite backend.
//
// Thread-safety: none. A Connection and the Statements it lends must be used
// by one thread at a time; SqliteStore guards each connection with a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/bytes.h"
#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace acta::store::sqlite {

// Maps a SQLite result code to an Error: BUSY/LOCKED -> kUnavailable,
// IOERR/FULL/CANTOPEN/READONLY -> kIo, CORRUPT/NOTADB -> kCorruption,
// CONSTRAINT -> kFailedPrecondition, anything else -> kInternal. `what` says
// what was being done; the message includes SQLite's own text.
Error SqliteError(int rc, sqlite3* db, std::string_view what);

// A cached prepared statement lent out by Connection::Prepare. Bind, then
// Step until it returns false; the destructor resets it for the next use.
// Move-only.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based as in SQLite. A failed bind is reported by the
  // next Step.
  void BindInt(int index, int64_t value);
  void BindBlob(int index, ByteSpan value);
  void BindText(int index, std::string_view value);
  void BindNull(int index);

  // true: a row is available; false: done.
  [[nodiscard]] Result<bool> Step();
  // Steps a statement that returns no rows.
  [[nodiscard]] Status Run();

  // Columns are 0-based as in SQLite. Valid only after Step returned true.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  ByteSpan Blob(int column) const;
  std::string_view Text(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, sqlite3* db, bool* in_use);

  sqlite3_stmt* stmt_;
  sqlite3* db_;
  bool* in_use_;
  int bind_rc_;  // first failed bind, or SQLITE_OK
};

class Connection {
 public:
  // Opens `path` (creating it unless read_only) and sets busy_timeout. A
  // writable connection also gets journal_mode=WAL (checked) and
  // synchronous=FULL, so a commit is durable when it returns.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows (DDL, BEGIN...).
  // `what` names the SQL in an error (default: the SQL itself; a schema
  // of many statements is better named than quoted).
  [[nodiscard]] Status Exec(const char* sql, std::string_view what = {});
  // Returns the cached statement for `sql`, preparing it on first use.
  // kInternal if the same statement is already lent out.
  [[nodiscard]] Result<Statement> Prepare(const std::string& sql);
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  int64_t Changes() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Cached>> cache_;
};

// BEGIN IMMEDIATE (so writers queue on the lock up front instead of failing
// on upgrade) ... COMMIT; rolls back in the destructor unless committed.
class WriteTransaction {
 public:
  [[nodiscard]] static Result<WriteTransaction> Begin(Connection& db);
  WriteTransaction(WriteTransaction&& other) noexcept;
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();
  [[nodiscard]] Status Commit();

 private:
  explicit WriteTransaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed or rolled back
};

}  // namespace acta::store::sqlite
