// Which center node sequences: several center nodes may share one store,
// but only the holder of the sequencer lease appends to the log (DESIGN.md,
// "Storage": leader by advisory lock, taken over when it dies). The lease
// is an optimisation and a safety net, not the log's only guard:
// Store::Sequence itself refuses a first_seq that is not the log's size, so
// even two nodes that both believe they lead cannot fork the log.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "store/open_store.h"

namespace acta::store {

// Thread-safety: every method may be called from any thread.
class SequencerLease {
 public:
  virtual ~SequencerLease() = default;

  // Tries once, without waiting, to take the lease. true: this object holds
  // it (also if it already did); false: another holder has it.
  // Errors: kUnavailable if the lock service (the database server) cannot
  // be reached; kIo if a lock file cannot be opened.
  [[nodiscard]] virtual Result<bool> TryAcquire() = 0;

  // Whether this object still holds the lease. It can be lost without
  // Release: a PostgreSQL lease dies with its connection (server restart,
  // network loss, session terminated). A sequencer checks this before each
  // batch and stops at once on false; it may then TryAcquire again.
  [[nodiscard]] virtual bool StillHeld() = 0;

  // Gives the lease up, letting another node take it. No-op if not held.
  virtual void Release() = 0;

  // What the lease locks, for logs and error messages, e.g.
  // "flock on /srv/acta/store.db.lock (held by pid 4242)".
  virtual std::string Describe() const = 0;
};

// Opens (without acquiring) the lease that goes with the store at `url`,
// which OpenStore accepts:
// - "sqlite:PATH": an exclusive flock(2) on PATH + ".lock", so a second
//   center process on the same SQLite file is refused (it may read, but
//   must not run). The holder's pid is written into the file for messages.
// - "postgres://..." / "postgresql://...": a session-level advisory lock
//   (pg_try_advisory_lock) whose key is derived from `election_id`, held on
//   a connection of its own (store/postgres_lease.h).
// `options.answer_timeout_ms` bounds every round trip of the PostgreSQL
// lease session as it does the store's (pg::ConnectOptions): a primary that
// stops answering (SIGSTOP, a partition that keeps TCP alive) costs the
// sequencer the lease after that long instead of hanging its thread.
// Errors: kInvalidArgument for an unknown scheme, an empty path or an
// unparsable PostgreSQL URL.
[[nodiscard]] Result<std::unique_ptr<SequencerLease>> OpenLease(std::string_view url,
                                                                const Hash256& election_id,
                                                                const OpenOptions& options = {});

}  // namespace acta::store
