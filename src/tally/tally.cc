#include "tally/tally.h"

#include <string>

namespace acta::tally {
namespace {

constexpr std::string_view kFlagNames[] = {"overvote", "sum_mismatch", "outside_window",
                                           "conflict"};

}  // namespace

std::vector<std::string_view> TableFlagNames(uint8_t flags) {
  std::vector<std::string_view> names;
  for (size_t bit = 0; bit < std::size(kFlagNames); ++bit) {
    if (flags & (1u << bit)) names.push_back(kFlagNames[bit]);
  }
  return names;
}

std::string_view TableStateName(TableState state) {
  switch (state) {
    case TableState::kMissing:
      return "missing";
    case TableState::kCounted:
      return "counted";
    case TableState::kConflict:
      return "conflict";
  }
  return "unknown";
}

uint64_t RegionTotals::TurnoutBasisPoints() const {
  if (registered_counted == 0) return 0;
  // 128-bit so that ballots * 20000 cannot overflow; integer arithmetic so
  // every platform rounds the same way (bulletins must be byte-identical).
  unsigned __int128 num = static_cast<unsigned __int128>(ballots_cast) * 20000 + registered_counted;
  return static_cast<uint64_t>(num / (static_cast<unsigned __int128>(registered_counted) * 2));
}

Result<Tally> Tally::Create(const Manifest& manifest) {
  const auto& regions = manifest.regions;
  const auto& tables = manifest.tables;
  if (regions.empty()) return MakeError(ErrorCode::kInvalidArgument, "manifest has no regions");
  if (regions.size() > INT32_MAX || tables.size() > UINT32_MAX - 1) {
    return MakeError(ErrorCode::kInvalidArgument, "manifest too large for the tally");
  }
  if (regions[0].parent != -1) {
    return MakeError(ErrorCode::kInvalidArgument, "regions[0] must be the root (parent -1)");
  }
  for (size_t i = 1; i < regions.size(); ++i) {
    int32_t p = regions[i].parent;
    // Parents before children makes every parent walk finite and lets one
    // forward pass build the tree.
    if (p < 0 || static_cast<size_t>(p) >= i) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "regions[" + std::to_string(i) + "]: parent must precede it");
    }
    // A voting center's votes are summed from its own tables only.
    if (regions[p].level == RegionLevel::kVotingCenter) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "regions[" + std::to_string(i) + "]: parent is a voting center");
    }
  }
  if (manifest.contests.size() > kMaxContests) {
    return MakeError(ErrorCode::kInvalidArgument, "too many contests");
  }

  Tally t(manifest);
  t.contest_offset_.push_back(0);
  for (const auto& c : manifest.contests) {
    if (c.candidates.size() > kMaxCandidates) {
      return MakeError(ErrorCode::kInvalidArgument, "contest " + c.id + ": too many candidates");
    }
    t.slots_ += c.candidates.size() + 2;
    t.contest_offset_.push_back(t.slots_);
  }

  const size_t nr = regions.size();
  const size_t nt = tables.size();
  t.tables_expected_.assign(nr, 0);
  t.tables_counted_.assign(nr, 0);
  t.tables_conflicted_.assign(nr, 0);
  t.registered_.assign(nr, 0);
  t.registered_counted_.assign(nr, 0);
  t.ballots_cast_.assign(nr, 0);
  t.sum_row_.assign(nr, -1);
  int32_t rows = 0;
  for (size_t r = 0; r < nr; ++r) {
    if (regions[r].level != RegionLevel::kVotingCenter) t.sum_row_[r] = rows++;
  }
  t.sums_.assign(static_cast<size_t>(rows) * t.slots_, 0);

  t.child_begin_.assign(nr + 1, 0);
  for (size_t r = 1; r < nr; ++r) ++t.child_begin_[regions[r].parent + 1];
  for (size_t r = 0; r < nr; ++r) t.child_begin_[r + 1] += t.child_begin_[r];
  t.children_.resize(nr - 1);
  {
    std::vector<uint32_t> fill(t.child_begin_.begin(), t.child_begin_.end() - 1);
    for (size_t r = 1; r < nr; ++r) t.children_[fill[regions[r].parent]++] = r;
  }

  t.table_begin_.assign(nr + 1, 0);
  for (size_t i = 0; i < nt; ++i) {
    uint32_t r = tables[i].region;
    if (r >= nr || regions[r].level != RegionLevel::kVotingCenter) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "table " + std::to_string(tables[i].id) + ": region is not a voting center");
    }
    if (i > 0 && tables[i - 1].id >= tables[i].id) {
      return MakeError(ErrorCode::kInvalidArgument, "tables must be sorted by unique id");
    }
    ++t.table_begin_[r + 1];
    for (int32_t a = r; a >= 0; a = regions[a].parent) {
      ++t.tables_expected_[a];
      t.registered_[a] += tables[i].registered;
    }
  }
  for (size_t r = 0; r < nr; ++r) t.table_begin_[r + 1] += t.table_begin_[r];
  t.tables_by_region_.resize(nt);
  {
    std::vector<uint32_t> fill(t.table_begin_.begin(), t.table_begin_.end() - 1);
    for (size_t i = 0; i < nt; ++i) t.tables_by_region_[fill[tables[i].region]++] = i;
  }

  t.counts_.assign(nt * t.slots_, 0);
  t.ballots_.assign(nt, 0);
  t.correction_.assign(nt, 0);
  t.closing_time_.assign(nt, 0);
  t.seq_.assign(nt, 0);
  t.leaf_.assign(nt, Hash256{});
  t.state_.assign(nt, static_cast<uint8_t>(TableState::kMissing));
  t.flags_.assign(nt, 0);
  return t;
}

Status Tally::CheckShape(const ActaBody& body) const {
  const auto& contests = manifest_->contests;
  if (body.contests.size() != contests.size()) {
    return MakeError(ErrorCode::kMalformed, "acta has " + std::to_string(body.contests.size()) +
                                                " contests, manifest has " +
                                                std::to_string(contests.size()));
  }
  for (size_t c = 0; c < contests.size(); ++c) {
    if (body.contests[c].candidates.size() != contests[c].candidates.size()) {
      return MakeError(ErrorCode::kMalformed,
                       "contest " + contests[c].id + ": acta has " +
                           std::to_string(body.contests[c].candidates.size()) +
                           " candidates, manifest has " +
                           std::to_string(contests[c].candidates.size()));
    }
  }
  return Ok();
}

uint8_t Tally::ComputeFlags(const ActaBody& body, uint32_t registered) const {
  uint8_t flags = 0;
  if (body.ballots_cast > registered) flags |= kOvervote;
  for (const auto& c : body.contests) {
    if (c.Total() != body.ballots_cast) flags |= kSumMismatch;
  }
  if (body.closing_time < manifest_->polls_close_not_before ||
      body.closing_time > manifest_->polls_close_not_after) {
    flags |= kOutsideWindow;
  }
  return flags;
}

bool Tally::SameAsStored(size_t index, const ActaBody& body) const {
  if (body.closing_time != closing_time_[index] || body.correction != correction_[index] ||
      body.ballots_cast != ballots_[index]) {
    return false;
  }
  const uint32_t* stored = &counts_[index * slots_];
  for (size_t c = 0; c < body.contests.size(); ++c) {
    const auto& cc = body.contests[c];
    const uint32_t* s = stored + contest_offset_[c];
    for (size_t k = 0; k < cc.candidates.size(); ++k) {
      if (s[k] != cc.candidates[k]) return false;
    }
    if (s[cc.candidates.size()] != cc.blank || s[cc.candidates.size() + 1] != cc.null_votes) {
      return false;
    }
  }
  return true;
}

void Tally::CountTable(size_t index) {
  const auto& table = manifest_->tables[index];
  const uint32_t* counts = &counts_[index * slots_];
  for (int32_t r = table.region; r >= 0; r = manifest_->regions[r].parent) {
    ++tables_counted_[r];
    registered_counted_[r] += table.registered;
    ballots_cast_[r] += ballots_[index];
    if (sum_row_[r] < 0) continue;
    uint64_t* sums = &sums_[static_cast<size_t>(sum_row_[r]) * slots_];
    for (size_t s = 0; s < slots_; ++s) sums[s] += counts[s];
  }
  state_[index] = static_cast<uint8_t>(TableState::kCounted);
}

void Tally::ConflictTable(size_t index) {
  const auto& table = manifest_->tables[index];
  const uint32_t* counts = &counts_[index * slots_];
  for (int32_t r = table.region; r >= 0; r = manifest_->regions[r].parent) {
    --tables_counted_[r];
    ++tables_conflicted_[r];
    registered_counted_[r] -= table.registered;
    ballots_cast_[r] -= ballots_[index];
    if (sum_row_[r] < 0) continue;
    uint64_t* sums = &sums_[static_cast<size_t>(sum_row_[r]) * slots_];
    for (size_t s = 0; s < slots_; ++s) sums[s] -= counts[s];
  }
  state_[index] = static_cast<uint8_t>(TableState::kConflict);
  flags_[index] |= kConflict;
}

Result<ApplyOutcome> Tally::Apply(const ActaBody& body, uint64_t seq, const Hash256& leaf_hash) {
  if (seq > log_size_) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        "entry " + std::to_string(seq) + " applied before entry " + std::to_string(log_size_));
  }
  const bool replay = seq < log_size_;
  // An invalid entry at the head of the log is still an entry: consume it so
  // the tally keeps pace with the log (the verifier reports it separately).
  auto invalid = [&](Error error) -> Result<ApplyOutcome> {
    if (!replay) {
      ++log_size_;
      ++invalid_entries_;
    }
    return std::unexpected(std::move(error));
  };
  if (body.election_id != manifest_->election_id) {
    return invalid({ErrorCode::kWrongElection, "acta belongs to another election"});
  }
  const TableRecord* table = manifest_->FindTable(body.table_id);
  if (table == nullptr) {
    return invalid({ErrorCode::kUnknownTable,
                    "table " + std::to_string(body.table_id) + " is not in the manifest"});
  }
  if (auto shape = CheckShape(body); !shape) return invalid(std::move(shape).error());

  const size_t index = static_cast<size_t>(table - manifest_->tables.data());
  const auto state = static_cast<TableState>(state_[index]);
  const bool same = state != TableState::kMissing && SameAsStored(index, body);
  if (replay) {
    if (state == TableState::kCounted && same) return ApplyOutcome::kDuplicate;
    if (state == TableState::kConflict) {
      return same ? ApplyOutcome::kDuplicate : ApplyOutcome::kConflictAgain;
    }
    return MakeError(ErrorCode::kFailedPrecondition, "replay of entry " + std::to_string(seq) +
                                                         " does not match table " +
                                                         std::to_string(body.table_id));
  }
  ++log_size_;

  switch (state) {
    case TableState::kMissing: {
      uint32_t* counts = &counts_[index * slots_];
      for (size_t c = 0; c < body.contests.size(); ++c) {
        const auto& cc = body.contests[c];
        uint32_t* s = counts + contest_offset_[c];
        std::copy(cc.candidates.begin(), cc.candidates.end(), s);
        s[cc.candidates.size()] = cc.blank;
        s[cc.candidates.size() + 1] = cc.null_votes;
      }
      ballots_[index] = body.ballots_cast;
      correction_[index] = body.correction;
      closing_time_[index] = body.closing_time;
      seq_[index] = seq;
      leaf_[index] = leaf_hash;
      flags_[index] = ComputeFlags(body, table->registered);
      CountTable(index);
      return ApplyOutcome::kCounted;
    }
    case TableState::kCounted:
      if (same) return ApplyOutcome::kDuplicate;
      ConflictTable(index);
      return ApplyOutcome::kConflict;
    case TableState::kConflict:
      return same ? ApplyOutcome::kDuplicate : ApplyOutcome::kConflictAgain;
  }
  return MakeError(ErrorCode::kInternal, "bad table state");
}

Result<ApplyOutcome> Tally::Apply(const Acta& acta, uint64_t seq) {
  return Apply(acta.body, seq, acta.LeafHash());
}

}  // namespace acta::tally
