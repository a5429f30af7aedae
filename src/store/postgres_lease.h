// The sequencer lease of center nodes sharing a PostgreSQL store: a
// session-level advisory lock held on a connection of its own. The server
// releases it when that session ends for any reason (Release, process
// death, network loss noticed by TCP keepalive), so another node can take
// over. See store/sequencer_lease.h for the contract.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "store/postgres_connection.h"
#include "store/sequencer_lease.h"

namespace acta::store {

// Thread-safety: as SequencerLease (one mutex around the connection).
class PostgresLease final : public SequencerLease {
 public:
  // Checks the URL; connects only on TryAcquire. Errors: kInvalidArgument
  // for a URL libpq cannot parse.
  [[nodiscard]] static Result<std::unique_ptr<PostgresLease>> Open(const std::string& url,
                                                                   const Hash256& election_id,
                                                                   pg::ConnectOptions options = {});
  ~PostgresLease() override;

  // Connects (again, if the previous connection broke) and runs
  // pg_try_advisory_lock. Errors: kUnavailable while the server is down.
  Result<bool> TryAcquire() override;
  // A round trip that checks pg_locks for this session's lock; false (and
  // the connection is dropped) if the round trip fails.
  bool StillHeld() override;
  // pg_advisory_unlock; on a broken connection the lock is already gone.
  void Release() override;
  std::string Describe() const override;

  // The advisory lock key: the first 8 bytes, big-endian, of
  // SHA-256("acta sequencer lease" || election_id). Exposed for tests and
  // operators (pg_locks shows it as classid = high 32 bits, objid = low).
  static int64_t LockKey(const Hash256& election_id);

 private:
  PostgresLease(std::string url, int64_t key, pg::ConnectOptions options);
  void DropConnectionLocked();

  const std::string url_;
  const std::string name_;
  const int64_t key_;
  const pg::ConnectOptions options_;

  mutable std::mutex mu_;
  std::unique_ptr<pg::Connection> conn_;  // guarded by mu_
  bool held_ = false;                     // guarded by mu_
};

}  // namespace acta::store
