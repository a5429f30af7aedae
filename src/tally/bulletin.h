// Bulletins: deterministic JSON snapshots of a Tally tied to a log
// checkpoint, so every published number can be traced to the exact set of
// actas behind it. The format is in docs/FORMATS.md, "Bulletin JSON".
//
// Determinism: the same Tally state, checkpoint, time and options give the
// same bytes. Keys come in a fixed order, arrays follow manifest order
// (regions, contests, candidates) or table id order (flags), all numbers are
// integers, and turnout is a fixed two-decimal percent string computed with
// integer arithmetic ("65.23"; see RegionTotals::TurnoutBasisPoints).
//
// Thread-safety: the functions only read the Tally; callers must not Apply
// concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/manifest.h"
#include "tally/tally.h"

namespace acta::tally {

// The checkpoint a bulletin is tied to: tree size and RFC 9162 root hash.
struct CheckpointRef {
  uint64_t size = 0;
  Hash256 root{};
};

struct BulletinOptions {
  // Deepest region level listed. The default (parish) leaves voting centers
  // out, which are served by RegionJson() one at a time; a 1,000,000-table
  // synthetic bulletin is still ~27 MB (48,000 regions), ~24 kB down to
  // states only.
  RegionLevel max_level = RegionLevel::kParish;
  // At most this many flagged tables are listed (lowest table ids first);
  // "flags_total" always gives the full count.
  size_t max_flagged_tables = 10000;
};

// The full bulletin as one line of JSON followed by "\n".
// Errors: kFailedPrecondition when checkpoint.size != tally.log_size() (the
// bulletin would not describe that checkpoint).
[[nodiscard]] Result<std::string> BuildBulletin(const Tally& tally, const CheckpointRef& checkpoint,
                                                uint64_t generated_at,
                                                const BulletinOptions& options = {});

// One region (any level) with the same object as in the bulletin plus
// "children": the region objects of its direct children (without their own
// children), and "log_size". One line of JSON followed by "\n".
// Errors: kNotFound for an unknown region code.
[[nodiscard]] Result<std::string> RegionJson(const Tally& tally, std::string_view code);
// The same for the region at manifest index `index` (no lookup by code).
// Errors: kNotFound for an index outside the manifest's regions.
[[nodiscard]] Result<std::string> RegionJsonAt(const Tally& tally, int32_t index);

// One table's status: {"table", "region", "registered", "status", "flags",
// "seq", "leaf_hash", "acta": {...}} ("seq", "leaf_hash" and "acta" only
// when an acta was applied). One line of JSON followed by "\n".
// Errors: kUnknownTable.
[[nodiscard]] Result<std::string> TableJson(const Tally& tally, uint32_t table_id);

// Turnout basis points as the bulletin writes them: 6523 -> "65.23".
std::string FormatTurnout(uint64_t basis_points);

}  // namespace acta::tally
