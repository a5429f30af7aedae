#include "store/postgres_replication.h"

#include <string>
#include <thread>

namespace acta::store::pg {
namespace {

// LSNs travel as int8 (bytes since 0/0): pg_lsn has no binary accessor here.
constexpr char kSyncStandbys[] =
    "FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') AND state = 'streaming'";

Error NotConfirmed(const std::string& why) {
  return Error{ErrorCode::kUnavailable,
               "no synchronous standby confirmed the write: " + why +
                   " (a receipt or checkpoint needs it; the role needs pg_monitor to see "
                   "pg_stat_replication)"};
}

}  // namespace

Status CheckSyncStandbyAttached(Connection& db) {
  auto rows = db.Query(std::string("SELECT count(*) ") + kSyncStandbys);
  if (!rows) return std::unexpected(std::move(rows).error());
  auto n = rows->Int8(0, 0);
  if (!n) return std::unexpected(std::move(n).error());
  if (*n == 0) return std::unexpected(NotConfirmed("the primary has no synchronous standby"));
  return Ok();
}

Status ConfirmOnSyncStandby(Connection& db, std::chrono::milliseconds wait) {
  auto target = db.Query(
      "SELECT pg_is_in_recovery(), "
      "CASE WHEN pg_is_in_recovery() THEN 0::int8 "
      "ELSE (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::int8 END");
  if (!target) return std::unexpected(std::move(target).error());
  auto recovering = target->Bool(0, 0);
  if (!recovering) return std::unexpected(std::move(recovering).error());
  if (*recovering) return std::unexpected(NotConfirmed("the server is a standby, not a primary"));
  auto lsn = target->Int8(0, 1);
  if (!lsn) return std::unexpected(std::move(lsn).error());
  const std::string poll = std::string("SELECT count(*) ") + kSyncStandbys +
                           " AND flush_lsn >= '0/0'::pg_lsn + $1::numeric";
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (auto pause = std::chrono::milliseconds(1);;
       pause = std::min(pause * 2, wait / 20 + std::chrono::milliseconds(1))) {
    auto rows = db.Query(poll, Params().Int8(*lsn));
    if (!rows) return std::unexpected(std::move(rows).error());
    auto n = rows->Int8(0, 0);
    if (!n) return std::unexpected(std::move(n).error());
    if (*n > 0) return Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected(NotConfirmed("none reached WAL position " + std::to_string(*lsn) +
                                          " within " + std::to_string(wait.count()) + " ms"));
    }
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace acta::store::pg
