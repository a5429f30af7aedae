#include "store/postgres_lease.h"

#include <libpq-fe.h>

#include <cstdio>
#include <string>
#include <utility>

#include "core/crypto.h"

namespace acta::store {

using pg::Connection;
using pg::Params;

namespace {

// Server-side keepalive for the lease session (settable per session): if
// the holder's machine dies or is cut off, the server notices within about
// idle + interval * count seconds and frees the lock for another node.
constexpr char kServerKeepalives[] =
    "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
    "SET tcp_keepalives_count = 3; SET tcp_user_timeout = 30000";

}  // namespace

int64_t PostgresLease::LockKey(const Hash256& election_id) {
  Bytes input;
  const std::string_view domain = "acta sequencer lease";
  input.insert(input.end(), domain.begin(), domain.end());
  input.insert(input.end(), election_id.begin(), election_id.end());
  const Hash256 digest = Sha256(input);
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | digest[i];
  return static_cast<int64_t>(key);
}

Result<std::unique_ptr<PostgresLease>> PostgresLease::Open(const std::string& url,
                                                           const Hash256& election_id,
                                                           pg::ConnectOptions options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    std::string why = error != nullptr ? error : "unparsable";
    PQfreemem(error);
    return MakeError(ErrorCode::kInvalidArgument, "postgres: bad connection URL: " + why);
  }
  PQconninfoFree(parsed);
  return std::unique_ptr<PostgresLease>(new PostgresLease(url, LockKey(election_id), options));
}

PostgresLease::PostgresLease(std::string url, int64_t key, pg::ConnectOptions options)
    : url_(std::move(url)), name_(pg::DescribeUrl(url_)), key_(key), options_(options) {}

PostgresLease::~PostgresLease() { Release(); }

void PostgresLease::DropConnectionLocked() {
  conn_.reset();  // ending the session frees any lock it held
  held_ = false;
}

Result<bool> PostgresLease::TryAcquire() {
  std::lock_guard lock(mu_);
  if (held_) {
    if (conn_ != nullptr && !conn_->Broken()) return true;
    DropConnectionLocked();
  }
  if (conn_ == nullptr || conn_->Broken()) {
    conn_.reset();
    auto conn = Connection::Open(url_, options_);
    if (!conn) return std::unexpected(std::move(conn).error());
    // Over a unix socket these settings do not apply; SET still succeeds.
    ACTA_RETURN_IF_ERROR((*conn)->Exec(kServerKeepalives));
    conn_ = std::move(*conn);
  }
  auto rows = conn_->Query("SELECT pg_try_advisory_lock($1)", Params().Int8(key_));
  if (!rows) {
    if (conn_->Broken()) DropConnectionLocked();
    return std::unexpected(std::move(rows).error());
  }
  auto got = rows->Bool(0, 0);
  if (!got) return std::unexpected(std::move(got).error());
  held_ = *got;
  return held_;
}

bool PostgresLease::StillHeld() {
  std::lock_guard lock(mu_);
  if (!held_ || conn_ == nullptr) return false;
  // Asking the server proves the session (and so the lock) is alive now;
  // the local connection state alone would not notice a dead server.
  auto rows = conn_->Query(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
      "AND pid = pg_backend_pid() AND database = (SELECT oid FROM pg_database "
      "WHERE datname = current_database()) AND objsubid = 1 "
      "AND classid::bigint = ($1 >> 32) & 4294967295 AND objid::bigint = $1 & 4294967295",
      Params().Int8(key_));
  if (!rows) {
    DropConnectionLocked();
    return false;
  }
  auto count = rows->Int8(0, 0);
  if (!count || *count < 1) {
    DropConnectionLocked();
    return false;
  }
  return true;
}

void PostgresLease::Release() {
  std::lock_guard lock(mu_);
  if (!held_) return;
  held_ = false;
  if (conn_ == nullptr || conn_->Broken()) return;
  auto rows = conn_->Query("SELECT pg_advisory_unlock($1)", Params().Int8(key_));
  // If the unlock could not be confirmed, closing the session releases it.
  if (!rows || !rows->Bool(0, 0).value_or(false)) conn_.reset();
}

std::string PostgresLease::Describe() const {
  char key[24];
  std::snprintf(key, sizeof(key), "%016llx",
                static_cast<unsigned long long>(static_cast<uint64_t>(key_)));
  return std::string("advisory lock ") + key + " on " + name_;
}

}  // namespace acta::store
