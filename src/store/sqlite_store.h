// The embedded Store backend: one SQLite database file in WAL mode with
// synchronous=FULL, so a returned write survives a crash or power loss.
// Schema and durability: docs/ARCHITECTURE.md, "Store schema".
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace acta::store {

struct SqliteStoreOptions {
  // How long a statement waits for a lock held by another connection or
  // process before failing with kUnavailable.
  int busy_timeout_ms = 5000;
  // Read connections kept open for reuse; more are opened under load and
  // closed when returned beyond this number.
  size_t max_idle_readers = 4;
};

// Thread-safety: as Store. All writes go through one connection under a
// mutex; reads use a pool of read-only connections, so readers (serving
// tiles, replays) neither wait for each other nor for the writer: WAL gives
// each read a consistent snapshot of the last commit.
//
// Several SqliteStore objects (or processes) may open the same file; their
// writes serialize on SQLite's write lock (waiting up to busy_timeout_ms).
class SqliteStore final : public Store {
 public:
  // Opens the database file at `path`, creating it if missing. Nothing is
  // read or written until Initialize. Errors: kInvalidArgument for an empty
  // path or ":memory:" (read connections could not see it); kIo if the file
  // cannot be opened or switched to WAL; kCorruption if it is not SQLite.
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                                 SqliteStoreOptions options = {});
  ~SqliteStore() override;

  Status Initialize(const Hash256& election_id) override;
  Status InsertAccepted(std::span<const AcceptedActa> actas) override;
  Result<std::optional<AcceptedActa>> FindByLeaf(const Hash256& leaf_hash) override;
  Result<std::vector<AcceptedActa>> FindByTable(uint32_t table_id) override;
  Result<std::vector<AcceptedActa>> LoadUnsequenced(size_t limit) override;
  Status Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                  const std::optional<StoredCheckpoint>& checkpoint) override;
  Status SequenceFenced(const TreeHead& expected, std::span<const Hash256> leaves,
                        const TreeHead& next) override;
  Status ConfirmReplicated() override;
  Status AddCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  Status AddCosignature(const StoredCosignature& cosignature) override;
  Result<std::vector<StoredCosignature>> ListCosignatures(uint64_t min_size) override;
  Result<uint64_t> SequencedCount() override;
  Status ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) override;
  Status ForEachAccepted(const Visitor& fn) override;

 private:
  class ReaderLease;

  SqliteStore(std::string path, SqliteStoreOptions options,
              std::unique_ptr<sqlite::Connection> writer);

  Status CheckInitialized() const;
  Result<ReaderLease> AcquireReader();
  void ReleaseReader(std::unique_ptr<sqlite::Connection> reader);
  // Runs a row-returning query on a reader; `bind` binds its parameters.
  Status QueryRows(const std::string& sql, const std::function<void(sqlite::Statement&)>& bind,
                   const Visitor& fn);

  const std::string path_;
  const SqliteStoreOptions options_;
  std::atomic<bool> initialized_{false};

  std::mutex write_mu_;
  std::unique_ptr<sqlite::Connection> writer_;  // guarded by write_mu_

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;  // guarded by readers_mu_
};

}  // namespace acta::store
