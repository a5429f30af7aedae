// Small contest reports for the audit tests.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "audit/audit.h"

namespace acta::audit::testing {

// A counted table: votes per candidate and ballots cast.
inline ReportedTable Counted(uint32_t id, std::vector<uint64_t> votes, uint64_t ballots) {
  ReportedTable t;
  t.table_id = id;
  t.region = "R-" + std::to_string(id % 3);
  t.region_name = "Center " + std::to_string(id % 3);
  t.counted = true;
  t.registered = static_cast<uint32_t>(ballots + 10);
  t.ballots = ballots;
  t.votes = std::move(votes);
  return t;
}

// A table with no counted acta: only its registered voters matter.
inline ReportedTable Missing(uint32_t id, uint32_t registered, size_t candidates) {
  ReportedTable t;
  t.table_id = id;
  t.region = "R-" + std::to_string(id % 3);
  t.region_name = "Center " + std::to_string(id % 3);
  t.registered = registered;
  t.votes.assign(candidates, 0);
  return t;
}

inline ContestReport Report(std::vector<std::string> candidates,
                            std::vector<ReportedTable> tables) {
  return ContestReport{"president", std::move(candidates), std::move(tables)};
}

inline AuditParameters Params(std::string risk_limit = "0.05",
                              std::string seed = "31415926535897932384") {
  AuditParameters p;
  p.contest_id = "president";
  p.risk_limit = std::move(risk_limit);
  p.seed = std::move(seed);
  p.checkpoint_size = 4;
  p.checkpoint_note = "acta/test\n4\nroot\n\n— sig\n";
  return p;
}

// The hand counts of a round equal to what its tables reported.
inline HandCounts AsReported(const ContestReport& report, const Round& round) {
  HandCounts h;
  for (uint32_t id : round.to_count) {
    for (const ReportedTable& t : report.tables) {
      if (t.table_id == id) h[id] = t.votes;
    }
  }
  return h;
}

}  // namespace acta::audit::testing
