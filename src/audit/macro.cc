#include "audit/macro.h"

#include <cmath>
#include <limits>

namespace acta::audit {
namespace {

using Int128 = __int128;

// Per loser l: (v_pw - v_pl + b_p) clamped at 0, the numerator of u_p's pair.
Int128 BoundNumerator(const ReportedTable& t, const Margins& m, size_t loser) {
  const Int128 n = static_cast<Int128>(t.votes[m.winner]) - static_cast<Int128>(t.votes[loser]) +
                   static_cast<Int128>(t.ballots);
  return n > 0 ? n : 0;
}

}  // namespace

Margins ComputeMargins(const ContestReport& report) {
  Margins m;
  const size_t k = report.candidates.size();
  m.totals.assign(k, 0);
  m.pair.assign(k, 0);
  for (const ReportedTable& t : report.tables) {
    if (!t.counted) {
      m.unreported += t.registered;
      continue;
    }
    for (size_t c = 0; c < k; ++c) m.totals[c] += t.votes[c];
  }
  if (k < 2) {
    m.full_count_reason = "the contest has a single candidate: there is no outcome to audit";
    return m;
  }
  size_t best = 0;
  for (size_t c = 1; c < k; ++c) {
    if (m.totals[c] > m.totals[best]) best = c;
  }
  for (size_t c = 0; c < k; ++c) {
    if (c != best && m.totals[c] == m.totals[best]) {
      m.full_count_reason = "a tie at the top: " + report.candidates[best] + " and " +
                            report.candidates[c] + " both have " + std::to_string(m.totals[best]) +
                            " votes";
      return m;
    }
  }
  m.winner = static_cast<int32_t>(best);
  for (size_t c = 0; c < k; ++c) {
    if (c == best) continue;
    m.pair[c] =
        static_cast<int64_t>(m.totals[best] - m.totals[c]) - static_cast<int64_t>(m.unreported);
    if (m.pair[c] <= 0 && m.full_count_reason.empty()) {
      m.full_count_reason =
          "the margin of " + report.candidates[best] + " over " + report.candidates[c] + " (" +
          std::to_string(m.totals[best] - m.totals[c]) + " votes) does not exceed the " +
          std::to_string(m.unreported) + " registered voters of tables without a counted acta";
    }
  }
  return m;
}

Weight ErrorBound(const ReportedTable& table, const Margins& margins) {
  if (!table.counted) return 0;
  Weight best = 0;
  for (size_t l = 0; l < table.votes.size(); ++l) {
    if (static_cast<int32_t>(l) == margins.winner) continue;
    const Weight num = static_cast<Weight>(BoundNumerator(table, margins, l)) << kWeightScaleBits;
    const Weight den = static_cast<Weight>(margins.pair[l]);
    const Weight w = (num + den - 1) / den;  // ceil: the bound may only grow
    if (w > best) best = w;
  }
  return best;
}

Discrepancy CompareHandCount(const ReportedTable& table, std::span<const uint64_t> hand,
                             const Margins& margins, Weight weight) {
  Discrepancy d;
  // The exact bound u_p = B_k / V_k at its largest pair k.
  size_t k = SIZE_MAX;
  for (size_t l = 0; l < table.votes.size(); ++l) {
    if (static_cast<int32_t>(l) == margins.winner) continue;
    if (k == SIZE_MAX || BoundNumerator(table, margins, l) * margins.pair[k] >
                             BoundNumerator(table, margins, k) * margins.pair[l]) {
      k = l;
    }
  }
  const Int128 bound_num = BoundNumerator(table, margins, k);
  const Int128 bound_den = margins.pair[k];
  // The largest relative overstatement E_l / V_l over losers, as a fraction.
  Int128 best_num = 0, best_den = 1;
  bool first = true;
  const size_t w = static_cast<size_t>(margins.winner);
  for (size_t l = 0; l < table.votes.size(); ++l) {
    if (l == w) continue;
    const Int128 e = (static_cast<Int128>(table.votes[w]) - static_cast<Int128>(table.votes[l])) -
                     (static_cast<Int128>(hand[w]) - static_cast<Int128>(hand[l]));
    if (first || e * best_den > best_num * margins.pair[l]) {
      best_num = e;
      best_den = margins.pair[l];
      first = false;
    }
  }
  d.overstatement = static_cast<int64_t>(best_num);
  if (best_num <= 0) return d;  // understatements earn no credit
  d.error = static_cast<double>(best_num) / static_cast<double>(best_den);
  if (best_num * bound_den >= bound_num * best_den) {
    d.at_bound = true;
    d.taint = 1;
    return d;
  }
  d.taint = d.error / WeightToDouble(weight);
  return d;
}

double DrawRiskFactor(double total_bound, double taint) {
  return (1.0 - 1.0 / total_bound) / (1.0 - taint);
}

uint64_t DrawsNeeded(double alpha, double risk, double total_bound) {
  if (risk <= alpha) return 0;
  const double n = (std::log(alpha) - std::log(risk)) / std::log1p(-1.0 / total_bound);
  if (!(n < 1e18)) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(std::ceil(n)) + 1;
}

}  // namespace acta::audit
