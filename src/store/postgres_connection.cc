#include "store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <string>
#include <utility>

namespace acta::store::pg {
namespace {

void AppendI32(acta::Bytes& out, int32_t v) { AppendU32(out, static_cast<uint32_t>(v)); }

int64_t ReadI64(ByteSpan b) {
  uint64_t v = 0;
  for (uint8_t byte : b) v = (v << 8) | byte;
  return static_cast<int64_t>(v);
}

ErrorCode CodeForSqlState(std::string_view state) {
  auto cls = state.substr(0, 2);
  // Retryable: the server or the connection went away, or the transaction
  // lost a race the server resolved by aborting it.
  if (cls == "08" || state == "57P01" || state == "57P02" || state == "57P03" || state == "40001" ||
      state == "40P01" || state == "55P03" || state == "53300") {
    return ErrorCode::kUnavailable;
  }
  if (cls == "28" || state == "42501") return ErrorCode::kPermissionDenied;
  // 23: unique/check violations; P0001: RAISE EXCEPTION in the schema's
  // triggers (the rows are never deleted or rewritten).
  if (cls == "23" || state == "P0001") return ErrorCode::kFailedPrecondition;
  if (cls == "22") return ErrorCode::kInvalidArgument;
  if (cls == "53" || cls == "58") return ErrorCode::kIo;
  if (state == "XX001" || state == "XX002") return ErrorCode::kCorruption;
  return ErrorCode::kInternal;
}

// libpq messages end in a newline and may span lines ("\n\tIs the server
// running..."): one line reads better inside an Error.
std::string Trimmed(const char* text) {
  std::string s;
  for (const char* p = text == nullptr ? "" : text; *p != '\0'; ++p) {
    const bool space = *p == '\n' || *p == '\t';
    if (!space || (!s.empty() && s.back() != ' ')) s += space ? ' ' : *p;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

Error PgError(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = Trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (text.empty() && conn != nullptr) text = Trimmed(PQerrorMessage(conn));
  ErrorCode code = ErrorCode::kInternal;
  if (state != nullptr) {
    code = CodeForSqlState(state);
  } else if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    code = ErrorCode::kUnavailable;
  }
  std::string message = "postgres: " + std::string(what);
  if (state != nullptr) message += " [" + std::string(state) + "]";
  if (!text.empty()) message += ": " + text;
  return Error{code, std::move(message)};
}

std::string DescribeUrl(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  if (options == nullptr) return "postgres://?";
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view key = o->keyword;
    if (key == "user") user = o->val;
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  std::string out = "postgres://";
  if (!user.empty()) out += user + "@";
  out += host;
  if (!port.empty()) out += ":" + port;
  return out + "/" + dbname;
}

void ArrayParam::AddBytes(ByteSpan value) {
  AppendI32(elements_, static_cast<int32_t>(value.size()));
  elements_.insert(elements_.end(), value.begin(), value.end());
  ++count_;
}

void ArrayParam::AddInt8(int64_t value) {
  AppendI32(elements_, 8);
  AppendU64(elements_, static_cast<uint64_t>(value));
  ++count_;
}

void ArrayParam::AddBool(bool value) {
  AppendI32(elements_, 1);
  elements_.push_back(value ? 1 : 0);
  ++count_;
}

acta::Bytes ArrayParam::Encode() const {
  // ndim, has-null flag, element type, then per dimension size and lower
  // bound, then the elements. An empty array has no dimensions.
  acta::Bytes out;
  AppendI32(out, count_ == 0 ? 0 : 1);
  AppendI32(out, 0);
  AppendU32(out, element_type_);
  if (count_ > 0) {
    AppendI32(out, count_);
    AppendI32(out, 1);
  }
  out.insert(out.end(), elements_.begin(), elements_.end());
  return out;
}

Params& Params::Add(Oid type, ByteSpan value) {
  types_.push_back(type);
  values_.emplace_back(value.begin(), value.end());
  return *this;
}

Params& Params::Bytes(ByteSpan value) { return Add(kByteaOid, value); }
Params& Params::Text(std::string_view value) { return Add(kTextOid, AsBytes(value)); }

Params& Params::Int8(int64_t value) {
  acta::Bytes b;
  AppendU64(b, static_cast<uint64_t>(value));
  return Add(kInt8Oid, b);
}

Params& Params::Bool(bool value) {
  const uint8_t b = value ? 1 : 0;
  return Add(kBoolOid, ByteSpan(&b, 1));
}

Params& Params::Array(Oid array_type, const ArrayParam& value) {
  types_.push_back(array_type);
  values_.push_back(value.Encode());
  return *this;
}

std::vector<const char*> Params::ValuePointers() const {
  std::vector<const char*> out;
  // A zero-length value still needs a non-null pointer: null means SQL NULL.
  static const char kEmpty = 0;
  for (const auto& v : values_)
    out.push_back(v.empty() ? &kEmpty : reinterpret_cast<const char*>(v.data()));
  return out;
}

std::vector<int> Params::Lengths() const {
  std::vector<int> out;
  for (const auto& v : values_) out.push_back(static_cast<int>(v.size()));
  return out;
}

QueryResult::QueryResult(PGresult* result) : result_(result) {}
QueryResult::QueryResult(QueryResult&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}
QueryResult::~QueryResult() {
  if (result_ != nullptr) PQclear(result_);
}

int QueryResult::Rows() const { return PQntuples(result_); }

std::string_view QueryResult::CommandTag() const { return PQcmdStatus(result_); }

uint64_t QueryResult::Affected() const {
  const char* n = PQcmdTuples(result_);
  return (n == nullptr || *n == '\0') ? 0 : std::stoull(n);
}

bool QueryResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

Status QueryResult::CheckColumn(int row, int column, Oid type, int width) const {
  if (column >= PQnfields(result_) || row >= PQntuples(result_) ||
      PQftype(result_, column) != type || PQfformat(result_, column) != 1) {
    return MakeError(ErrorCode::kCorruption, "postgres: column " + std::to_string(column) +
                                                 " does not have the expected type " +
                                                 std::to_string(type));
  }
  if (width >= 0 && !IsNull(row, column) && PQgetlength(result_, row, column) != width) {
    return MakeError(ErrorCode::kCorruption, "postgres: column " + std::to_string(column) +
                                                 " has " +
                                                 std::to_string(PQgetlength(result_, row, column)) +
                                                 " bytes, expected " + std::to_string(width));
  }
  return Ok();
}

Result<int64_t> QueryResult::Int8(int row, int column) const {
  ACTA_RETURN_IF_ERROR(CheckColumn(row, column, kInt8Oid, 8));
  if (IsNull(row, column)) {
    return MakeError(ErrorCode::kCorruption,
                     "postgres: unexpected NULL in column " + std::to_string(column));
  }
  return ReadI64(ByteSpan(reinterpret_cast<const uint8_t*>(PQgetvalue(result_, row, column)), 8));
}

Result<bool> QueryResult::Bool(int row, int column) const {
  ACTA_RETURN_IF_ERROR(CheckColumn(row, column, kBoolOid, 1));
  if (IsNull(row, column)) {
    return MakeError(ErrorCode::kCorruption,
                     "postgres: unexpected NULL in column " + std::to_string(column));
  }
  return *PQgetvalue(result_, row, column) != 0;
}

Result<ByteSpan> QueryResult::Bytes(int row, int column) const {
  // text and bytea share the binary format: the raw bytes.
  const bool is_text = column < PQnfields(result_) && PQftype(result_, column) == kTextOid;
  ACTA_RETURN_IF_ERROR(CheckColumn(row, column, is_text ? kTextOid : kByteaOid, -1));
  if (IsNull(row, column)) return ByteSpan();
  return ByteSpan(reinterpret_cast<const uint8_t*>(PQgetvalue(result_, row, column)),
                  static_cast<size_t>(PQgetlength(result_, row, column)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const ConnectOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = Trimmed(parse_error);
    PQfreemem(parse_error);
    return MakeError(ErrorCode::kInvalidArgument, "postgres: bad connection URL: " + why);
  }
  PQconninfoFree(parsed);
  // libpq applies keywords in order, so the defaults come before "dbname"
  // (the URL, expanded) and anything the URL sets wins.
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const std::string idle = std::to_string(options.keepalives_idle_s);
  const std::string interval = std::to_string(options.keepalives_interval_s);
  const std::string count = std::to_string(options.keepalives_count);
  const std::string user_timeout = std::to_string(options.tcp_user_timeout_ms);
  const char* keywords[] = {"connect_timeout",
                            "application_name",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "tcp_user_timeout",
                            "client_encoding",
                            "dbname",
                            nullptr};
  const char* values[] = {
      timeout.c_str(),      "acta", "1",         idle.c_str(), interval.c_str(), count.c_str(),
      user_timeout.c_str(), "UTF8", url.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return MakeError(ErrorCode::kInternal, "postgres: out of memory");
  // libpq prints server notices ("relation already exists, skipping") to
  // stderr by default; they are expected and carry nothing a caller needs.
  PQsetNoticeReceiver(
      raw, [](void*, const PGresult*) {}, nullptr);
  std::unique_ptr<Connection> conn(new Connection(raw, options.answer_timeout_ms));
  if (PQstatus(raw) != CONNECTION_OK) {
    return MakeError(ErrorCode::kUnavailable,
                     "postgres: cannot connect: " + Trimmed(PQerrorMessage(raw)));
  }
  // A commit is only durable if the server flushes it: refuse a server that
  // does not, and make sure this session waits for the flush.
  auto settings =
      conn->Query("SELECT current_setting('fsync'), current_setting('synchronous_commit')");
  if (!settings) return std::unexpected(std::move(settings).error());
  auto fsync = settings->Bytes(0, 0);
  auto sync_commit = settings->Bytes(0, 1);
  if (!fsync || !sync_commit) return MakeError(ErrorCode::kInternal, "postgres: bad settings row");
  if (AsChars(*fsync) != "on") {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "postgres: the server runs with fsync=off, so a commit would not be durable; "
                     "acta refuses to acknowledge writes on it");
  }
  if (AsChars(*sync_commit) == "off")
    ACTA_RETURN_IF_ERROR(conn->Exec("SET synchronous_commit = on"));
  // A statement_timeout set on the server or the role would cancel a COMMIT
  // that waits for a synchronous standby, and a cancelled wait reports the
  // COMMIT as successful: this session never has one (answer_timeout_ms
  // bounds the wait on the client side instead, without cancelling).
  ACTA_RETURN_IF_ERROR(conn->Exec("SET statement_timeout = 0"));
  return conn;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::Broken() const { return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK; }

PGresult* Connection::AwaitResult() {
  using SteadyClock = std::chrono::steady_clock;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(answer_timeout_ms_);
  PGresult* kept = nullptr;
  while (true) {
    while (PQisBusy(conn_) != 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      const int ready = left.count() > 0 ? poll(&fd, 1, static_cast<int>(left.count()) + 1) : 0;
      if (ready == 0 && SteadyClock::now() >= deadline) {
        // No answer in time: close the connection. The server is not asked
        // to cancel anything; whatever the statement did stays done or not.
        if (kept != nullptr) PQclear(kept);
        PQfinish(conn_);
        conn_ = nullptr;
        abandoned_ = true;
        return nullptr;
      }
      if (PQconsumeInput(conn_) == 0) break;  // broken: PQgetResult reports it
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) return kept;
    const ExecStatusType status = PQresultStatus(next);
    const bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
    const bool kept_failed = kept != nullptr && PQresultStatus(kept) != PGRES_COMMAND_OK &&
                             PQresultStatus(kept) != PGRES_TUPLES_OK;
    if (kept_failed && !failed) {
      PQclear(next);  // PQexec reports the first failure
    } else {
      if (kept != nullptr) PQclear(kept);
      kept = next;
    }
  }
}

Result<QueryResult> Connection::Finish(PGresult* result, std::string_view what) {
  QueryResult owned(result);  // frees `result` on every path
  if (abandoned_) {
    last_sqlstate_.clear();
    return MakeError(ErrorCode::kUnavailable,
                     "postgres: " + std::string(what) + ": no answer within " +
                         std::to_string(answer_timeout_ms_) +
                         " ms; connection abandoned, outcome unknown (nothing was cancelled)");
  }
  if (result == nullptr) {
    last_sqlstate_.clear();
    return std::unexpected(PgError(nullptr, conn_, what));
  }
  // An answer that arrived before the connection broke still counts: the
  // server saw the request.
  if (!Broken()) ++answered_;
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    last_sqlstate_ = state != nullptr ? state : "";
    return std::unexpected(PgError(result, conn_, what));
  }
  return owned;
}

Status Connection::Exec(const std::string& sql) {
  PGresult* raw = nullptr;
  if (conn_ != nullptr && answer_timeout_ms_ > 0) {
    if (PQsendQuery(conn_, sql.c_str()) == 1) raw = AwaitResult();
  } else {
    raw = PQexec(conn_, sql.c_str());
  }
  auto result = Finish(raw, sql.substr(0, 60));
  if (!result) return std::unexpected(std::move(result).error());
  return Ok();
}

Result<QueryResult> Connection::Query(const std::string& sql, const Params& params) {
  std::vector<const char*> values = params.ValuePointers();
  std::vector<int> lengths = params.Lengths();
  std::vector<int> formats(values.size(), 1);
  PGresult* result = nullptr;
  if (conn_ != nullptr && answer_timeout_ms_ > 0) {
    if (PQsendQueryParams(conn_, sql.c_str(), params.size(), params.types(), values.data(),
                          lengths.data(), formats.data(), /*resultFormat=*/1) == 1) {
      result = AwaitResult();
    }
  } else {
    result = PQexecParams(conn_, sql.c_str(), params.size(), params.types(), values.data(),
                          lengths.data(), formats.data(), /*resultFormat=*/1);
  }
  return Finish(result, sql.substr(0, 60));
}

Result<Transaction> Transaction::Begin(Connection& db, const char* begin) {
  ACTA_RETURN_IF_ERROR(db.Exec(begin));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // Best effort: on a broken connection the server has already rolled back.
  if (db_ != nullptr && !db_->Broken()) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Connection* db = std::exchange(db_, nullptr);
  auto result = db->Query("COMMIT");
  if (!result) return std::unexpected(std::move(result).error());
  // COMMIT of a transaction that already failed answers "ROLLBACK", not an
  // error: never report that as a success.
  if (result->CommandTag() != "COMMIT") {
    return MakeError(ErrorCode::kInternal,
                     "postgres: COMMIT answered " + std::string(result->CommandTag()));
  }
  return Ok();
}

}  // namespace acta::store::pg
