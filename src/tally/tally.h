// The running tally of an election: per-table state and per-region sums at
// every level of the region tree, updated incrementally as accepted actas are
// applied in log order.
//
// Rules (docs/ARCHITECTURE.md, "Tally and bulletins"):
// - The first acta of a table counts.
// - A second acta for the same table that differs in any field makes the
//   table CONFLICTED: its counts leave every total and it is no longer
//   "counted". The first acta stays stored as evidence; resolution is out of
//   scope. An identical acta is never counted twice.
// - Flags (overvote, sum mismatch, outside the polls-close window) mark a
//   table but it still counts, because its acta is validly signed.
// - Irreversibility of a contest in a region: the leader's margin over the
//   runner-up is STRICTLY greater than the registered voters of the region's
//   tables that are not counted (missing or conflicted). margin == remaining
//   is not irreversible: every remaining voter could still produce a tie.
//
// Memory: per-table counts live in one flat u32 array (tables x slots, where
// a contest takes candidates + 2 slots: blank, null); per-region 64-bit vote
// sums are kept for every region above the voting-center level, and a voting
// center's votes are summed from its few tables on demand. At 1,000,000
// tables, 500,000 regions and 24 slots this is about 184 MB.
//
// Thread-safety: none. Callers serialise Apply against every reader (the
// center holds one mutex around its Tally).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/acta.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/manifest.h"

namespace acta::tally {

// Per-table validation flags (a bitmask).
enum TableFlag : uint8_t {
  kOvervote = 1 << 0,       // ballots_cast > registered voters
  kSumMismatch = 1 << 1,    // some contest: candidates + blank + null != ballots_cast
  kOutsideWindow = 1 << 2,  // closing_time outside the manifest's polls-close window
  kConflict = 1 << 3,       // a second, different acta arrived for this table
};
constexpr uint8_t kAllTableFlags = kOvervote | kSumMismatch | kOutsideWindow | kConflict;
// Stable names in bit order: "overvote", "sum_mismatch", "outside_window", "conflict".
std::vector<std::string_view> TableFlagNames(uint8_t flags);

enum class TableState : uint8_t {
  kMissing = 0,   // no acta yet
  kCounted = 1,   // its first acta counts
  kConflict = 2,  // two or more different actas; counts nothing
};
std::string_view TableStateName(TableState state);  // "missing", "counted", "conflict"

enum class ApplyOutcome {
  kCounted,        // first acta of the table; now counted
  kDuplicate,      // identical to the table's first acta; nothing changed
  kConflict,       // a different acta for a counted table; it is now conflicted
  kConflictAgain,  // another acta for an already conflicted table; nothing changed
};

// One table's status, for export.
struct TableStatus {
  uint32_t table_id = 0;
  uint32_t registered = 0;
  int32_t region = -1;  // the voting center
  TableState state = TableState::kMissing;
  uint8_t flags = 0;
  uint64_t seq = 0;              // log index of the first acta (when not missing)
  Hash256 leaf_hash{};           // leaf hash of the first acta (when not missing)
  std::optional<ActaBody> body;  // the first acta's body (when not missing)
};

struct ContestTotals {
  std::vector<uint64_t> candidates;  // manifest order
  uint64_t blank = 0;
  uint64_t null_votes = 0;
  // Index of the candidate with the most votes (ties: lowest index), or -1
  // when no candidate has a vote.
  int32_t leader = -1;
  // Index of the second candidate in that order, or -1 without a leader or
  // when the contest has fewer than two candidates.
  int32_t runner_up = -1;
  uint64_t margin = 0;        // leader's votes - runner-up's votes (0 without a leader)
  uint64_t remaining = 0;     // registered voters of uncounted (missing + conflicted) tables
  bool irreversible = false;  // leader >= 0 && margin > remaining
};

struct RegionTotals {
  int32_t region = -1;
  uint32_t tables_expected = 0;
  uint32_t tables_counted = 0;
  uint32_t tables_conflicted = 0;
  uint64_t registered = 0;              // all tables
  uint64_t registered_counted = 0;      // counted tables only
  uint64_t ballots_cast = 0;            // counted tables only
  std::vector<ContestTotals> contests;  // manifest order

  // ballots_cast / registered_counted in basis points (1/100 of a percent),
  // rounded half up; 0 when nothing is counted. Can exceed 10000 (overvotes).
  uint64_t TurnoutBasisPoints() const;
};

class Tally {
 public:
  // Builds an empty tally. The manifest must outlive the Tally and must not
  // change. Errors: kInvalidArgument when the region tree is not a tree
  // rooted at regions[0] with parents before children, a table's region is
  // not a voting center, or the contests exceed the acta limits.
  [[nodiscard]] static Result<Tally> Create(const Manifest& manifest);

  Tally(const Tally&) = delete;
  Tally& operator=(const Tally&) = delete;
  Tally(Tally&&) = default;
  Tally& operator=(Tally&&) = default;

  // Applies the acta at log index `seq` (log order: seq must equal
  // log_size(); a smaller seq is a replay). `leaf_hash` is the entry's RFC
  // 9162 leaf hash, kept for the table CSV. O(depth x slots).
  //
  // Errors (the entry at seq == log_size() is still consumed, counted in
  // invalid_entries(), and changes nothing else):
  //   kWrongElection  body.election_id differs from the manifest's
  //   kUnknownTable   table id not in the manifest
  //   kMalformed      contest or candidate count differs from the manifest
  // Errors that consume nothing:
  //   kFailedPrecondition  seq > log_size() (a gap), or a replay (seq <
  //                        log_size()) that is not the table's stored acta
  // A replay of the table's stored acta, or any replay for a conflicted
  // table, returns kDuplicate / kConflictAgain and changes nothing.
  [[nodiscard]] Result<ApplyOutcome> Apply(const ActaBody& body, uint64_t seq,
                                           const Hash256& leaf_hash);
  // Same, with the leaf hash computed from the acta's bytes.
  [[nodiscard]] Result<ApplyOutcome> Apply(const Acta& acta, uint64_t seq);

  const Manifest& manifest() const { return *manifest_; }
  // Number of log entries applied (valid or not): the next expected seq.
  uint64_t log_size() const { return log_size_; }
  uint64_t invalid_entries() const { return invalid_entries_; }

  // Totals of one region (index into manifest().regions). O(slots) for
  // regions above voting centers, O(tables x slots) for a voting center.
  // REQUIRES: 0 <= region < regions.size().
  RegionTotals Totals(int32_t region) const;
  // Child region indices in manifest order.
  std::span<const uint32_t> Children(int32_t region) const;

  // Tables (indices into manifest().tables) of a voting center, in id
  // order; empty for regions above voting centers.
  // REQUIRES: 0 <= region < regions.size().
  std::span<const uint32_t> TablesOf(int32_t region) const;

  // Status of the table at `index` in manifest().tables.
  // REQUIRES: index < tables.size().
  TableStatus StatusAt(size_t index) const;
  // Status by table id; kUnknownTable if the manifest has no such table.
  [[nodiscard]] Result<TableStatus> StatusOf(uint32_t table_id) const;
  // Raw per-table accessors for bulk export. REQUIRES: index < tables.size().
  TableState StateAt(size_t index) const { return static_cast<TableState>(state_[index]); }
  uint8_t FlagsAt(size_t index) const { return flags_[index]; }
  // The stored counts of a table, slot layout as SlotOffset() describes.
  std::span<const uint32_t> CountsAt(size_t index) const;

  // Slots per table: sum over contests of (candidates + 2).
  size_t slots() const { return slots_; }
  // First slot of contest c; its candidates follow, then blank, then null.
  size_t SlotOffset(size_t contest) const { return contest_offset_[contest]; }

  // Approximate heap bytes held by this Tally (not the manifest).
  size_t MemoryBytes() const;

 private:
  explicit Tally(const Manifest& manifest) : manifest_(&manifest) {}

  uint8_t ComputeFlags(const ActaBody& body, uint32_t registered) const;
  bool SameAsStored(size_t index, const ActaBody& body) const;
  // Moves a table from missing to counted (adding its stored acta to every
  // region on its path) or from counted to conflicted (removing it again).
  void CountTable(size_t index);
  void ConflictTable(size_t index);
  Status CheckShape(const ActaBody& body) const;

  const Manifest* manifest_;
  size_t slots_ = 0;
  std::vector<size_t> contest_offset_;  // per contest, plus one end marker

  // Per table (indexed like manifest().tables).
  std::vector<uint32_t> counts_;  // tables x slots_
  std::vector<uint32_t> ballots_;
  std::vector<uint32_t> correction_;
  std::vector<uint64_t> closing_time_;
  std::vector<uint64_t> seq_;
  std::vector<Hash256> leaf_;
  std::vector<uint8_t> state_;
  std::vector<uint8_t> flags_;

  // Per region (indexed like manifest().regions).
  std::vector<uint32_t> tables_expected_;
  std::vector<uint32_t> tables_counted_;
  std::vector<uint32_t> tables_conflicted_;
  std::vector<uint64_t> registered_;
  std::vector<uint64_t> registered_counted_;
  std::vector<uint64_t> ballots_cast_;
  // Row into sums_ for regions above voting centers, -1 for voting centers.
  std::vector<int32_t> sum_row_;
  std::vector<uint64_t> sums_;  // rows x slots_
  // Children (CSR): child_begin_[r]..child_begin_[r+1] into children_.
  std::vector<uint32_t> child_begin_;
  std::vector<uint32_t> children_;
  // Tables of each voting center (CSR), as indices into manifest().tables.
  std::vector<uint32_t> table_begin_;
  std::vector<uint32_t> tables_by_region_;

  uint64_t log_size_ = 0;
  uint64_t invalid_entries_ = 0;
};

}  // namespace acta::tally
