// Arrival over time: when each table was first counted, and per region how
// many tables were first counted in each minute (the dashboard's "arrival"
// chart, GET /v1/arrivals in docs/API.md).
//
// A table's arrival time is the receipt (received_at) time of its FIRST
// entry in log order, whatever came after it: a table later conflicted
// still arrived then, so the total over all buckets is the number of tables
// with at least one log entry (the bulletin's tables_counted +
// tables_conflicted). Entries are fed in log order, exactly once each, so the
// index describes the log prefix [0, size()): callers tie it to a
// checkpoint of that size.
//
// Memory: 4 bytes per table (the arrival minute) plus the region tree and
// the tables of each voting center in CSR form, 8 bytes per region and 4 per
// table: ~16 MB at 1,000,000 tables and 500,000 regions. A query walks only
// the asked region's subtree, O(tables under it + buckets x series).
//
// Output bounded: at most kMaxBuckets buckets (the bucket widens through
// 1, 2, 5, 10, 15, 30, 60, 120, ... minutes when the arrivals span longer
// than that), only non-empty buckets are listed, and at most `top` child
// series (the children with most arrivals; the rest summed as "other").
//
// Thread-safety: none; callers serialise Add against Query.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"

namespace acta::tally {

struct ArrivalSeries {
  int32_t region = -1;           // index into manifest().regions
  std::vector<uint64_t> counts;  // one per ArrivalReport::starts_ms
  uint64_t total = 0;
};

struct ArrivalReport {
  int32_t region = -1;
  uint64_t bucket_ms = 60000;
  std::vector<uint64_t> starts_ms;      // non-empty bucket starts, ascending
  std::vector<ArrivalSeries> children;  // the `top` children, most arrivals first
  std::vector<uint64_t> other;          // the remaining children summed (empty if none)
  uint32_t other_regions = 0;           // how many children "other" sums
  std::vector<uint64_t> totals;         // whole region, per bucket
  uint64_t total = 0;                   // tables of the region that arrived
  uint32_t tables_expected = 0;         // tables of the region in the manifest
};

class ArrivalIndex {
 public:
  static constexpr size_t kMaxBuckets = 720;
  static constexpr size_t kMaxTop = 50;

  // REQUIRES: manifest outlives the index and does not change.
  // Errors: kInvalidArgument when the region tree is not rooted at
  // regions[0] with parents before children, or a table's region is out of
  // range.
  [[nodiscard]] static Result<ArrivalIndex> Create(const Manifest& manifest);

  // Consumes the log entry at index size() for `table_id`, received at
  // `received_at_ms`. Unknown tables are consumed and ignored (the tally
  // counts them as invalid entries).
  // Errors: kFailedPrecondition when seq != size() (nothing consumed).
  [[nodiscard]] Status Add(uint64_t seq, uint32_t table_id, uint64_t received_at_ms);

  // Log entries consumed.
  uint64_t size() const { return size_; }
  // Tables that arrived.
  uint64_t arrived() const { return arrived_; }

  // The arrivals of `region` (index into manifest().regions) by child.
  // `top` is clamped to [0, kMaxTop].
  // REQUIRES: 0 <= region < regions.size().
  ArrivalReport Query(int32_t region, size_t top) const;

  size_t MemoryBytes() const;

 private:
  explicit ArrivalIndex(const Manifest& manifest) : manifest_(&manifest) {}

  const Manifest* manifest_;
  // Per table: 1 + the Unix minute of its first entry; 0 while missing.
  std::vector<uint32_t> minute_;
  std::vector<uint32_t> child_begin_, children_;  // region tree, CSR
  std::vector<uint32_t> table_begin_, tables_;    // tables per voting center, CSR
  uint64_t size_ = 0;
  uint64_t arrived_ = 0;
};

// The JSON of docs/API.md, "GET /v1/arrivals": one line followed by "\n".
// `size` and `root_hex` name the checkpoint the index is at.
std::string ArrivalsJson(const Manifest& manifest, const ArrivalReport& report, uint64_t size,
                         std::string_view root_hex);

}  // namespace acta::tally
