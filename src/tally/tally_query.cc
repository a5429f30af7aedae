// Read side of the Tally: region totals with irreversibility, table status.
#include <string>

#include "tally/tally.h"

namespace acta::tally {
namespace {

void RankCandidates(ContestTotals& c) {
  const auto& v = c.candidates;
  if (v.empty()) return;
  // Strict comparisons keep the lowest index on ties, so the order is a
  // function of the counts alone.
  size_t first = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] > v[first]) first = i;
  }
  int32_t second = -1;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == first) continue;
    if (second < 0 || v[i] > v[second]) second = static_cast<int32_t>(i);
  }
  if (v[first] == 0) return;  // nobody leads (or trails) an empty count
  c.leader = static_cast<int32_t>(first);
  c.runner_up = second;
  c.margin = v[first] - (second >= 0 ? v[second] : 0);
  // Strictly greater: with margin == remaining the remaining voters could
  // still all vote for the runner-up and tie the contest.
  c.irreversible = c.margin > c.remaining;
}

}  // namespace

RegionTotals Tally::Totals(int32_t region) const {
  RegionTotals t;
  t.region = region;
  t.tables_expected = tables_expected_[region];
  t.tables_counted = tables_counted_[region];
  t.tables_conflicted = tables_conflicted_[region];
  t.registered = registered_[region];
  t.registered_counted = registered_counted_[region];
  t.ballots_cast = ballots_cast_[region];

  std::vector<uint64_t> sums(slots_, 0);
  if (sum_row_[region] >= 0) {
    const uint64_t* row = &sums_[static_cast<size_t>(sum_row_[region]) * slots_];
    sums.assign(row, row + slots_);
  } else {
    for (uint32_t k = table_begin_[region]; k < table_begin_[region + 1]; ++k) {
      uint32_t index = tables_by_region_[k];
      if (state_[index] != static_cast<uint8_t>(TableState::kCounted)) continue;
      const uint32_t* counts = &counts_[static_cast<size_t>(index) * slots_];
      for (size_t s = 0; s < slots_; ++s) sums[s] += counts[s];
    }
  }

  const uint64_t remaining = t.registered - t.registered_counted;
  const auto& contests = manifest_->contests;
  t.contests.resize(contests.size());
  for (size_t c = 0; c < contests.size(); ++c) {
    ContestTotals& ct = t.contests[c];
    const size_t begin = contest_offset_[c];
    const size_t n = contests[c].candidates.size();
    ct.candidates.assign(sums.begin() + begin, sums.begin() + begin + n);
    ct.blank = sums[begin + n];
    ct.null_votes = sums[begin + n + 1];
    ct.remaining = remaining;
    RankCandidates(ct);
  }
  return t;
}

std::span<const uint32_t> Tally::Children(int32_t region) const {
  return std::span<const uint32_t>(children_).subspan(
      child_begin_[region], child_begin_[region + 1] - child_begin_[region]);
}

std::span<const uint32_t> Tally::CountsAt(size_t index) const {
  return std::span<const uint32_t>(counts_).subspan(index * slots_, slots_);
}

TableStatus Tally::StatusAt(size_t index) const {
  const TableRecord& table = manifest_->tables[index];
  TableStatus s;
  s.table_id = table.id;
  s.registered = table.registered;
  s.region = static_cast<int32_t>(table.region);
  s.state = StateAt(index);
  s.flags = flags_[index];
  if (s.state == TableState::kMissing) return s;
  s.seq = seq_[index];
  s.leaf_hash = leaf_[index];
  ActaBody body;
  body.election_id = manifest_->election_id;
  body.table_id = table.id;
  body.closing_time = closing_time_[index];
  body.correction = correction_[index];
  body.ballots_cast = ballots_[index];
  const uint32_t* counts = &counts_[index * slots_];
  for (size_t c = 0; c < manifest_->contests.size(); ++c) {
    const uint32_t* p = counts + contest_offset_[c];
    const size_t n = manifest_->contests[c].candidates.size();
    ContestCounts cc;
    cc.candidates.assign(p, p + n);
    cc.blank = p[n];
    cc.null_votes = p[n + 1];
    body.contests.push_back(std::move(cc));
  }
  s.body = std::move(body);
  return s;
}

Result<TableStatus> Tally::StatusOf(uint32_t table_id) const {
  const TableRecord* table = manifest_->FindTable(table_id);
  if (table == nullptr) {
    return MakeError(ErrorCode::kUnknownTable,
                     "table " + std::to_string(table_id) + " is not in the manifest");
  }
  return StatusAt(static_cast<size_t>(table - manifest_->tables.data()));
}

size_t Tally::MemoryBytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return bytes(contest_offset_) + bytes(counts_) + bytes(ballots_) + bytes(correction_) +
         bytes(closing_time_) + bytes(seq_) + bytes(leaf_) + bytes(state_) + bytes(flags_) +
         bytes(tables_expected_) + bytes(tables_counted_) + bytes(tables_conflicted_) +
         bytes(registered_) + bytes(registered_counted_) + bytes(ballots_cast_) + bytes(sum_row_) +
         bytes(sums_) + bytes(child_begin_) + bytes(children_) + bytes(table_begin_) +
         bytes(tables_by_region_);
}

std::span<const uint32_t> Tally::TablesOf(int32_t region) const {
  const auto r = static_cast<size_t>(region);
  if (manifest_->regions[r].level != RegionLevel::kVotingCenter) return {};
  return std::span<const uint32_t>(tables_by_region_)
      .subspan(table_begin_[r], table_begin_[r + 1] - table_begin_[r]);
}

}  // namespace acta::tally
