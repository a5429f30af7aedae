#include "audit/contest_report.h"

#include <algorithm>

namespace acta::audit {

Result<ContestReport> ReportFromTally(const tally::Tally& tally, std::string_view contest_id) {
  const Manifest& m = tally.manifest();
  auto it = std::find_if(m.contests.begin(), m.contests.end(),
                         [&](const Contest& c) { return c.id == contest_id; });
  if (it == m.contests.end()) {
    std::string ids;
    for (const Contest& c : m.contests) ids += (ids.empty() ? "" : ", ") + c.id;
    return MakeError(ErrorCode::kNotFound, "the manifest has no contest \"" +
                                               std::string(contest_id) + "\" (it has " + ids + ")");
  }
  const size_t contest = static_cast<size_t>(it - m.contests.begin());
  const size_t candidates = it->candidates.size();
  ContestReport report;
  report.contest_id = it->id;
  for (const Candidate& c : it->candidates) report.candidates.push_back(c.id);
  report.tables.reserve(m.tables.size());
  for (size_t i = 0; i < m.tables.size(); ++i) {
    const TableRecord& rec = m.tables[i];
    ReportedTable t;
    t.table_id = rec.id;
    t.region = m.regions[rec.region].code;
    t.region_name = m.regions[rec.region].name;
    t.registered = rec.registered;
    t.votes.assign(candidates, 0);
    t.counted = tally.StateAt(i) == tally::TableState::kCounted;
    if (t.counted) {
      const auto counts = tally.CountsAt(i).subspan(tally.SlotOffset(contest), candidates + 2);
      uint64_t contest_total = 0;
      for (size_t c = 0; c < candidates + 2; ++c) {
        if (c < candidates) t.votes[c] = counts[c];
        contest_total += counts[c];
      }
      const auto status = tally.StatusAt(i);
      t.ballots = std::max<uint64_t>(status.body ? status.body->ballots_cast : 0, contest_total);
    }
    report.tables.push_back(std::move(t));
  }
  return report;
}

}  // namespace acta::audit
