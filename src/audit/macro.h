// The MACRO arithmetic of a batch-comparison audit with each table as a
// batch (Stark 2008, "A sharper discrepancy measure for post-election
// audits"; the per-contest form Arlo uses), for one single-winner contest:
//
//   V_wl = V_w - V_l - M        margin of the reported winner w over loser l,
//                               less M, the registered voters of tables that
//                               have no counted report at the checkpoint
//   u_p  = max_l (v_pw - v_pl + b_p) / V_wl        table p's error bound
//   e_p  = max(0, max_l ((v_pw - v_pl) - (a_pw - a_pl)) / V_wl)
//   t_p  = e_p / u_p                               taint
//   P    = prod over draws of (1 - 1/U) / (1 - t_j),   U = sum of u_p
//   n    = ceil((ln alpha - ln P) / ln(1 - 1/U)) + 1   draws to reach alpha
//
// v are reported votes, a the hand count, b_p the table's ballots. u_p is
// held as the fixed-point weight of weight.h. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "audit/weight.h"

namespace acta::audit {

// One table's report for the audited contest at the pinned checkpoint.
struct ReportedTable {
  uint32_t table_id = 0;
  std::string region;       // the voting center's code
  std::string region_name;  // and its name
  bool counted = false;     // false: missing or conflicted at the checkpoint
  uint32_t registered = 0;
  // b_p: the acta's ballots cast, or the contest's candidates + blank + null
  // when that is larger (a sum mismatch must not shrink the bound).
  uint64_t ballots = 0;
  std::vector<uint64_t> votes;  // per candidate, manifest order; zeros when not counted
  bool operator==(const ReportedTable&) const = default;
};

struct ContestReport {
  std::string contest_id;
  std::vector<std::string> candidates;  // ids, manifest order
  std::vector<ReportedTable> tables;    // manifest order (by table id)
  bool operator==(const ContestReport&) const = default;
};

struct Margins {
  std::vector<uint64_t> totals;  // V_c per candidate over counted tables
  uint64_t unreported = 0;       // M
  int32_t winner = -1;           // index; -1 with no votes or a tie at the top
  std::vector<int64_t> pair;     // V_wl per candidate (0 at the winner)
  // Empty when every pair margin is positive; else why the audit cannot
  // sample and needs a full hand count.
  std::string full_count_reason;
  bool auditable() const { return full_count_reason.empty(); }
};
Margins ComputeMargins(const ContestReport& report);

// w_p = max over losers of ceil(max(0, v_pw - v_pl + b_p) x 2^32 / V_wl);
// 0 for a table that is not counted. REQUIRES: margins.auditable().
Weight ErrorBound(const ReportedTable& table, const Margins& margins);

struct Discrepancy {
  int64_t overstatement = 0;  // votes, at the pair with the largest e (may be < 0)
  double error = 0;           // e_p
  double taint = 0;           // e_p / u_p, 1 when at_bound
  // e_p reaches the table's exact error bound (compared as fractions, not
  // through the rounded weight): the risk cannot be bounded any more.
  bool at_bound = false;
};
// REQUIRES: margins.auditable(), hand.size() == table.votes.size(),
// weight == ErrorBound(table, margins) > 0.
Discrepancy CompareHandCount(const ReportedTable& table, std::span<const uint64_t> hand,
                             const Margins& margins, Weight weight);

// (1 - 1/U) / (1 - t). REQUIRES: U > 1, t < 1.
double DrawRiskFactor(double total_bound, double taint);
// ceil((ln alpha - ln risk) / ln(1 - 1/U)) + 1, or 0 when risk <= alpha.
// REQUIRES: U > 1, 0 < alpha < 1, risk > 0.
uint64_t DrawsNeeded(double alpha, double risk, double total_bound);

}  // namespace acta::audit
