// A thin RAII layer over one libpq connection for the PostgreSQL backend:
// opening with the settings the store relies on, queries whose parameters
// and results are all in binary format (bytes are never escaped into SQL
// text), transactions that roll back unless committed, and SQLSTATEs mapped
// to acta ErrorCodes. Internal to the PostgreSQL backend.
//
// Thread-safety: none. A Connection must be used by one thread at a time;
// pg::ConnectionPool hands each one to a single caller.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace acta::store::pg {

using Oid = unsigned int;

// Type OIDs of the built-in types acta uses (pg_type.h; stable across
// PostgreSQL versions).
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kBoolArrayOid = 1000;
inline constexpr Oid kByteaArrayOid = 1001;
inline constexpr Oid kInt8ArrayOid = 1016;

// Maps a failed result (or, if `result` is null, the connection's state) to
// an Error: lost or refused connections, shutdowns, serialization failures
// and deadlocks -> kUnavailable; integrity violations and the schema's
// triggers -> kFailedPrecondition; bad input values -> kInvalidArgument;
// disk full and system errors -> kIo; data corruption -> kCorruption;
// authentication and privilege errors -> kPermissionDenied; anything else ->
// kInternal. `what` says what was being done; the message includes the
// server's text.
Error PgError(const PGresult* result, PGconn* conn, std::string_view what);

// "postgres://user@host:port/dbname" for messages and logs: the parts of a
// connection URL that identify the database, never its password. Returns
// "postgres://?" if libpq cannot parse `url`.
std::string DescribeUrl(const std::string& url);

// A one-dimensional array parameter (no NULL elements) in PostgreSQL's
// binary array format.
class ArrayParam {
 public:
  explicit ArrayParam(Oid element_type) : element_type_(element_type) {}
  void AddBytes(ByteSpan value);  // bytea or text elements
  void AddInt8(int64_t value);
  void AddBool(bool value);
  // The binary array value.
  [[nodiscard]] Bytes Encode() const;

 private:
  Oid element_type_;
  int32_t count_ = 0;
  Bytes elements_;  // each: int32 length, then the element's binary value
};

// Query parameters, $1, $2, ... in the order added, all sent in binary
// format with explicit types.
class Params {
 public:
  Params& Bytes(ByteSpan value);
  Params& Text(std::string_view value);
  Params& Int8(int64_t value);
  Params& Bool(bool value);
  Params& Array(Oid array_type, const ArrayParam& value);

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  // Pointers into the owned values; valid while this Params is unchanged.
  std::vector<const char*> ValuePointers() const;
  std::vector<int> Lengths() const;

 private:
  Params& Add(Oid type, ByteSpan value);
  std::vector<Oid> types_;
  std::vector<acta::Bytes> values_;
};

// The rows of a successful query, every column in binary format. Accessors
// check the column's type and width and return kCorruption on a mismatch, so
// a schema changed behind acta's back cannot be misread.
class QueryResult {
 public:
  explicit QueryResult(PGresult* result);
  QueryResult(QueryResult&& other) noexcept;
  QueryResult& operator=(QueryResult&&) = delete;
  ~QueryResult();

  int Rows() const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  uint64_t Affected() const;
  // The command tag ("INSERT 0 5", "COMMIT", ...).
  std::string_view CommandTag() const;
  bool IsNull(int row, int column) const;
  [[nodiscard]] Result<int64_t> Int8(int row, int column) const;
  [[nodiscard]] Result<bool> Bool(int row, int column) const;
  // bytea or text (raw bytes); empty for NULL.
  [[nodiscard]] Result<ByteSpan> Bytes(int row, int column) const;

 private:
  Status CheckColumn(int row, int column, Oid type, int width) const;
  PGresult* result_;
};

struct ConnectOptions {
  // Applied unless the URL sets them (libpq parameter names).
  int connect_timeout_s = 10;
  // TCP keepalives and user timeout, so a dead server (or a dead client, on
  // the server side) is noticed in tens of seconds, not hours.
  int keepalives_idle_s = 10;
  int keepalives_interval_s = 5;
  int keepalives_count = 3;
  int tcp_user_timeout_ms = 30000;
  // The longest any statement (a COMMIT included) waits for the server's
  // answer; 0 waits forever. Past it the connection is abandoned (closed,
  // never cancelled: a cancelled COMMIT that waits for a synchronous standby
  // reports success although the standby may not have it) and the statement
  // fails with kUnavailable, its outcome unknown. This is what frees a
  // caller from a server that stopped answering (SIGSTOP, a partition that
  // keeps TCP alive) so it can reconnect to the new primary.
  int answer_timeout_ms = 0;
};

class Connection {
 public:
  // Connects to `url` (a postgres:// or postgresql:// URI, or any libpq
  // conninfo) and turns synchronous_commit on if the server has it off.
  // Errors: kInvalidArgument if libpq cannot parse it; kUnavailable if the
  // connection fails for any reason (server down, refused, authentication,
  // no such database: libpq's message says which); kFailedPrecondition if
  // the server runs with fsync=off (a commit would not be durable).
  [[nodiscard]] static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                                const ConnectOptions& options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters or result rows (DDL,
  // BEGIN, ...) through the simple query protocol.
  [[nodiscard]] Status Exec(const std::string& sql);
  // Runs one statement with binary parameters; rows come back in binary.
  [[nodiscard]] Result<QueryResult> Query(const std::string& sql, const Params& params = {});

  // True once the connection to the server is lost; it never recovers (the
  // pool discards it and opens a new one).
  bool Broken() const;
  // True once a statement got no answer within answer_timeout_ms and the
  // connection was closed: the statement's outcome is unknown (Broken() is
  // true as well).
  bool abandoned() const { return abandoned_; }
  // Round trips that got an answer from the server since Open. A pooled
  // connection whose first round trip fails with Broken() never reached the
  // server, so the caller's work can be retried on a fresh connection.
  uint64_t answered() const { return answered_; }
  // SQLSTATE of the last failed statement ("40P01"...), empty if it had none.
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  Connection(PGconn* conn, int answer_timeout_ms)
      : conn_(conn), answer_timeout_ms_(answer_timeout_ms) {}
  // Takes ownership of `result`; OK for COMMAND_OK and TUPLES_OK.
  Result<QueryResult> Finish(PGresult* result, std::string_view what);
  // After a successful PQsend*: the statement's result as PQexec returns it
  // (the first failed result, else the last one), or null with the
  // connection abandoned if no answer came within answer_timeout_ms_.
  PGresult* AwaitResult();

  PGconn* conn_;
  const int answer_timeout_ms_;
  bool abandoned_ = false;
  uint64_t answered_ = 0;
  std::string last_sqlstate_;
};

// BEGIN [mode] ... COMMIT; rolls back in the destructor unless committed.
class Transaction {
 public:
  // `begin` is the full BEGIN statement, e.g. "BEGIN ISOLATION LEVEL
  // REPEATABLE READ READ ONLY".
  [[nodiscard]] static Result<Transaction> Begin(Connection& db, const char* begin = "BEGIN");
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  // Returns once the server reports the commit (durable: synchronous_commit
  // is on). kUnavailable if the connection broke during COMMIT: the outcome
  // is then unknown, and only idempotent work may be retried blindly.
  [[nodiscard]] Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed or rolled back
};

}  // namespace acta::store::pg
