// The center's durable state behind one backend-neutral interface: every
// accepted acta (with its receipt and, once sequenced, its log index) and
// every checkpoint ever signed, with the witnesses' cosignatures of them.
// SQLite is the embedded backend
// (store/sqlite_store.h); PostgreSQL will implement the same interface, and
// store/store_conformance.h holds the tests every backend must pass.
//
// Rows are never deleted or overwritten: a second, different acta for a table
// is a new row (flagged as a conflict by the caller), and the only update
// ever made is giving an unsequenced row its log index, once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::store {

// How an acta reached the center (DESIGN.md, "the two lanes").
enum class Lane : uint8_t {
  kTerminal = 0,  // MAC-authenticated request from the table's own terminal
  kPublic = 1,    // observer submission without a MAC
};

// One accepted acta: validly signed and durable once InsertAccepted returns.
struct AcceptedActa {
  Hash256 leaf_hash{};  // SHA-256(0x00 || bytes), unique across the store
  uint32_t table_id = 0;
  uint32_t correction = 0;
  Bytes bytes;  // the full canonical acta
  Lane lane = Lane::kTerminal;
  uint64_t received_at_ms = 0;  // Unix ms; below 2^63
  Bytes receipt;                // Receipt::Encode(), exactly kReceiptSize bytes
  // Set by the caller when the table already had a different acta; both rows
  // are kept as evidence.
  bool conflict = false;
  // Log index; nullopt until the sequencer integrates the entry. Must be
  // nullopt on insert: only Store::Sequence assigns it.
  std::optional<uint64_t> seq;

  bool operator==(const AcceptedActa&) const = default;
};

// A signed checkpoint (C2SP signed note) of the log at `size` entries.
struct StoredCheckpoint {
  uint64_t size = 0;
  Hash256 root{};
  std::string note;            // the full signed note text
  uint64_t created_at_ms = 0;  // Unix ms; below 2^63

  bool operator==(const StoredCheckpoint&) const = default;
};

// A witness's cosignature line for a stored checkpoint (C2SP
// tlog-cosignature), kept so that a restarted center and every center node
// on one store serve the same cosigned note (center/cosignature_collector.h).
struct StoredCosignature {
  uint64_t size = 0;
  Hash256 root{};        // the tree cosigned: a line is never served with another tree's note
  uint32_t witness = 0;  // index into the manifest's witnesses (the store is one election's)
  std::string line;      // the signature line exactly as appended to the note, "\n" at its end

  bool operator==(const StoredCosignature&) const = default;
};

// The log's head: its size and the Merkle root of its entries. A fenced
// Sequence compares and swaps it, so the store accepts an extension only
// from a sequencer whose tree is exactly the store's.
struct TreeHead {
  uint64_t size = 0;
  Hash256 root{};

  bool operator==(const TreeHead&) const = default;
};

// Checks what every backend checks before writing: leaf_hash matches bytes,
// bytes non-empty, receipt has kReceiptSize bytes, times below 2^63, seq
// unset. Returns kInvalidArgument naming the field. Exposed so that queues in
// front of a store (GroupCommitter) can refuse a bad entry up front instead
// of failing a whole batch.
[[nodiscard]] Status ValidateAccepted(const AcceptedActa& acta);
// The field checks every backend makes on a checkpoint: non-empty note,
// created_at_ms below 2^63. kInvalidArgument otherwise.
[[nodiscard]] Status ValidateCheckpoint(const StoredCheckpoint& checkpoint);
// The field checks every backend makes on a cosignature: `line` is one
// non-empty line ending in "\n". kInvalidArgument otherwise.
[[nodiscard]] Status ValidateCosignature(const StoredCosignature& cosignature);
// Every backend refuses a store whose schema is newer than this build's:
// kUnsupportedVersion naming both versions.
[[nodiscard]] Status CheckSchemaNotNewer(int64_t stored_version, int64_t supported_version);
// Where a new checkpoint may go, the same for every backend: it must pass
// ValidateCheckpoint, have exactly `log_size` entries (exact_size, the
// Sequence case) or at most that many (AddCheckpoint), and not be smaller
// than `latest`. kInvalidArgument / kFailedPrecondition otherwise.
[[nodiscard]] Status CheckCheckpointPlacement(const StoredCheckpoint& checkpoint, uint64_t log_size,
                                              bool exact_size,
                                              const std::optional<StoredCheckpoint>& latest);

// The argument check of SequenceFenced, the same for every backend:
// next.size == expected.size + leaf_count, and next == expected when there
// are no leaves. kInvalidArgument otherwise.
[[nodiscard]] Status CheckFencedArguments(const TreeHead& expected, size_t leaf_count,
                                          const TreeHead& next);
// The compare of SequenceFenced: the stored head (its root unknown after an
// unfenced Sequence) must be `expected`. kFailedPrecondition naming both.
[[nodiscard]] Status CheckStoredHead(const TreeHead& expected, uint64_t stored_size,
                                     const std::optional<Hash256>& stored_root);

// Thread-safety: every method may be called concurrently from any thread.
// Writes are serialized by the backend; reads see every write that returned
// before they started. Callbacks passed to ForEach* run on the calling thread
// and must not call back into the same Store (a backend may hold a
// connection, and readers may be pooled but are not unlimited).
//
// Errors common to all methods: kFailedPrecondition before Initialize
// succeeded; kIo for I/O failures; kUnavailable when the database stayed busy
// (locked by another process) past the backend's busy timeout; kCorruption
// for stored rows that no longer have the expected shape.
class Store {
 public:
  virtual ~Store() = default;

  // Creates the schema (or migrates an older one) and records the election
  // id, or checks it against the one already recorded. Must succeed before
  // any other call; calling it again with the same id is a no-op.
  // Errors: kFailedPrecondition if the store belongs to another election
  // (the message names both ids); kUnsupportedVersion if the store's schema
  // is newer than this build knows.
  [[nodiscard]] virtual Status Initialize(const Hash256& election_id) = 0;

  // Inserts all entries in one transaction and returns only once it is
  // durable (a crash or power loss after return cannot lose it). An entry
  // whose leaf_hash is already stored is skipped silently (idempotent
  // resubmission): nothing about the stored row changes. All-or-nothing: on
  // any error nothing of the batch is stored.
  // Errors: kInvalidArgument if any entry fails ValidateAccepted.
  [[nodiscard]] virtual Status InsertAccepted(std::span<const AcceptedActa> actas) = 0;

  // The stored row for a leaf hash, or nullopt.
  [[nodiscard]] virtual Result<std::optional<AcceptedActa>> FindByLeaf(
      const Hash256& leaf_hash) = 0;

  // Every row of one table (conflicting actas included), in arrival order.
  [[nodiscard]] virtual Result<std::vector<AcceptedActa>> FindByTable(uint32_t table_id) = 0;

  // Up to `limit` rows not yet sequenced, in arrival (insertion) order.
  [[nodiscard]] virtual Result<std::vector<AcceptedActa>> LoadUnsequenced(size_t limit) = 0;

  // Atomically gives leaves[i] the log index first_seq + i and, if present,
  // stores `checkpoint`, whose size must then be exactly
  // first_seq + leaves.size(). On any error nothing changes. Because
  // first_seq must equal the current SequencedCount(), two sequencers racing
  // on the same store cannot fork the log: the loser gets an error.
  // Errors: kFailedPrecondition if first_seq != SequencedCount() (gap or
  // overlap), a leaf is already sequenced (or listed twice), or the
  // checkpoint's size is wrong or smaller than the latest checkpoint's;
  // kNotFound if a leaf is not stored.
  [[nodiscard]] virtual Status Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                                        const std::optional<StoredCheckpoint>& checkpoint) = 0;

  // Sequence fenced by the tree head, the only way the sequencer extends the
  // log: in one transaction, compares the stored head with `expected` and
  // only if they are equal gives leaves[i] the index expected.size + i and
  // stores `next` as the head. Two sequencers, or a sequencer whose tree
  // still holds entries a failover took out of the store, can never both
  // extend the log: every one but the first is refused. A head last written
  // by the unfenced Sequence has no root; then only the size is compared.
  // No checkpoint is stored: it is signed once this returned (and, with
  // replication, ConfirmReplicated holds), then stored by AddCheckpoint.
  // Errors: as Sequence; kFailedPrecondition (naming both heads) when the
  // stored head is not `expected`; kInvalidArgument when next.size is not
  // expected.size + leaves.size(), or no leaves and next != expected.
  [[nodiscard]] virtual Status SequenceFenced(const TreeHead& expected,
                                              std::span<const Hash256> leaves,
                                              const TreeHead& next) = 0;

  // Returns once everything this store has acknowledged or returned so far
  // survives the loss of the machine that holds it. A store without
  // replication is durable when a write returns: OK at once. A replicated
  // store waits (boundedly) until a synchronous standby holds all of it.
  // Callers use it before they publish or sign over what they read.
  // Errors: kUnavailable when no synchronous standby confirms in time.
  [[nodiscard]] virtual Status ConfirmReplicated() = 0;

  // Stores a checkpoint of the current log (e.g. re-signed with a new time).
  // Errors: kFailedPrecondition if its size exceeds SequencedCount() or is
  // smaller than the latest checkpoint's size.
  [[nodiscard]] virtual Status AddCheckpoint(const StoredCheckpoint& checkpoint) = 0;

  // Every checkpoint ever stored, oldest first.
  [[nodiscard]] virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;
  // The most recently stored checkpoint, or nullopt if none.
  [[nodiscard]] virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;

  // Stores a witness's cosignature of a stored checkpoint, durably.
  // Idempotent: when one is already stored for (size, root, witness) that
  // one is kept and this returns OK (a witness asked again cosigns again
  // with a new timestamp; both lines verify). Rows are never deleted or
  // changed.
  // Errors: kInvalidArgument if it fails ValidateCosignature;
  // kFailedPrecondition if no stored checkpoint has that size and root.
  [[nodiscard]] virtual Status AddCosignature(const StoredCosignature& cosignature) = 0;
  // The stored cosignatures of checkpoints of at least `min_size` entries,
  // ordered by size, root, then witness.
  [[nodiscard]] virtual Result<std::vector<StoredCosignature>> ListCosignatures(
      uint64_t min_size) = 0;

  // Number of sequenced entries; they hold indexes 0 .. count-1.
  [[nodiscard]] virtual Result<uint64_t> SequencedCount() = 0;

  // Calls `fn` for each sequenced entry with from <= seq < to, in seq order
  // (indexes at or past SequencedCount() are simply absent). Stops at and
  // returns the first error `fn` returns.
  // Errors: kInvalidArgument if from > to.
  using Visitor = std::function<Status(const AcceptedActa&)>;
  [[nodiscard]] virtual Status ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) = 0;

  // Calls `fn` for every stored row, sequenced or not, in arrival order (to
  // rebuild in-memory indexes on start). Stops at the first error of `fn`.
  [[nodiscard]] virtual Status ForEachAccepted(const Visitor& fn) = 0;
};

}  // namespace acta::store
