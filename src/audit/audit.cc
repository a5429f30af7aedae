#include "audit/audit.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace acta::audit {
namespace {

std::string JoinIds(const std::vector<uint32_t>& ids, size_t max = 10) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(ids[i]);
  }
  if (ids.size() > max) out += " and " + std::to_string(ids.size() - max) + " more";
  return out;
}

// Draws [first, first + count) and the tables among them not yet counted.
Round DrawRound(const Audit& audit, const PpebSampler& sampler, const ContestReport& report,
                uint64_t count, const std::set<size_t>& counted) {
  Round r;
  r.number = static_cast<uint32_t>(audit.rounds.size() + 1);
  r.first_draw =
      audit.rounds.empty() ? 1 : audit.rounds.back().first_draw + audit.rounds.back().draws.size();
  std::set<uint32_t> fresh;
  for (uint64_t i = 0; i < count; ++i) {
    DrawResult d = sampler.Draw(audit.params.seed, audit.params.contest_id, r.first_draw + i);
    if (!counted.contains(d.position)) fresh.insert(report.tables[d.position].table_id);
    r.draws.push_back(d);
  }
  r.to_count.assign(fresh.begin(), fresh.end());
  return r;
}

Status CheckHandCounts(const Round& round, const HandCounts& hand, size_t candidates) {
  std::vector<uint32_t> missing, extra;
  for (uint32_t id : round.to_count) {
    if (!hand.contains(id)) missing.push_back(id);
  }
  for (const auto& [id, votes] : hand) {
    if (!std::binary_search(round.to_count.begin(), round.to_count.end(), id))
      extra.push_back(id);
    else if (votes.size() != candidates) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "round " + std::to_string(round.number) + ": table " + std::to_string(id) +
                           " has " + std::to_string(votes.size()) + " counts, not " +
                           std::to_string(candidates));
    }
  }
  if (missing.empty() && extra.empty()) return Ok();
  std::string msg = "round " + std::to_string(round.number) + ": the hand counts";
  if (!missing.empty()) msg += " lack table(s) " + JoinIds(missing);
  if (!missing.empty() && !extra.empty()) msg += " and";
  if (!extra.empty()) msg += " hold table(s) " + JoinIds(extra) + " this round did not ask for";
  return MakeError(ErrorCode::kInvalidArgument, msg);
}

}  // namespace

Result<double> ParseRiskLimit(std::string_view text) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the risk limit must be a decimal strictly between 0 and 1 (like 0.05), "
                     "not \"" +
                         std::string(text) + "\"");
  };
  if (text.size() < 3 || text.size() > 20 || text.substr(0, 2) != "0.") return bad();
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return bad();
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !(v > 0) || !(v < 1)) return bad();
  return v;
}

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAwaitingHandCounts:
      return "awaiting_hand_counts";
    case Decision::kStop:
      return "stop";
    case Decision::kEscalate:
      return "escalate";
    case Decision::kFullCount:
      return "full_count";
  }
  return "?";
}

std::string_view AuditStatusName(AuditStatus s) {
  switch (s) {
    case AuditStatus::kInProgress:
      return "in_progress";
    case AuditStatus::kRiskLimitMet:
      return "risk_limit_met";
    case AuditStatus::kFullCount:
      return "full_count";
  }
  return "?";
}

Result<Audit> RunAudit(const ContestReport& report, const AuditParameters& params,
                       std::span<const HandCounts> recorded) {
  if (report.contest_id != params.contest_id) {
    return MakeError(ErrorCode::kInvalidArgument, "the report is of contest " + report.contest_id +
                                                      ", not " + params.contest_id);
  }
  ACTA_RETURN_IF_ERROR(CheckSeed(params.seed));
  auto alpha = ParseRiskLimit(params.risk_limit);
  if (!alpha) return std::unexpected(alpha.error());
  Audit audit;
  audit.params = params;
  audit.params.alpha = *alpha;
  audit.margins = ComputeMargins(report);
  auto refuse_extra = [&](size_t used) -> Status {
    if (recorded.size() > used) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "hand counts were given for round " + std::to_string(used + 1) +
                           ", but the audit ended (" + std::string(AuditStatusName(audit.status)) +
                           ")");
    }
    return Ok();
  };
  auto full_count = [&](std::string why) {
    audit.status = AuditStatus::kFullCount;
    audit.reason = std::move(why);
  };
  if (!audit.margins.auditable()) {
    full_count(audit.margins.full_count_reason);
    ACTA_RETURN_IF_ERROR(refuse_extra(0));
    return audit;
  }
  audit.weights.reserve(report.tables.size());
  for (const ReportedTable& t : report.tables) {
    audit.weights.push_back(ErrorBound(t, audit.margins));
    if (audit.weights.back() > 0) ++audit.tables_with_bound;
  }
  auto sampler = PpebSampler::Create(audit.weights);
  if (!sampler) return std::unexpected(sampler.error());
  audit.total_weight = sampler->total();
  audit.total_bound = WeightToDouble(audit.total_weight);
  if (!(audit.total_bound > 1)) {
    full_count("U = " + std::to_string(audit.total_bound) + " leaves no room for sampling");
    ACTA_RETURN_IF_ERROR(refuse_extra(0));
    return audit;
  }

  std::set<size_t> counted;                   // positions hand counted so far
  std::map<size_t, Discrepancy> discrepancy;  // by position
  double risk = 1;
  uint64_t next = DrawsNeeded(audit.params.alpha, risk, audit.total_bound);
  for (size_t k = 0;; ++k) {
    if (next >= audit.tables_with_bound - counted.size()) {
      full_count("the " + std::string(k == 0 ? "first" : "next") + " round would need " +
                 std::to_string(next) + " draws, no fewer than the " +
                 std::to_string(audit.tables_with_bound - counted.size()) +
                 " tables left to count");
      if (k > 0) {
        audit.rounds.back().decision = Decision::kFullCount;
        audit.rounds.back().reason = audit.reason;
      }
      break;
    }
    if (k > 0) audit.rounds.back().decision = Decision::kEscalate;
    audit.rounds.push_back(DrawRound(audit, *sampler, report, next, counted));
    Round& round = audit.rounds.back();
    if (k >= recorded.size()) break;  // awaiting this round's hand counts

    const HandCounts& hand = recorded[k];
    ACTA_RETURN_IF_ERROR(CheckHandCounts(round, hand, report.candidates.size()));
    std::string at_bound;
    for (uint32_t id : round.to_count) {
      const size_t pos = static_cast<size_t>(
          std::lower_bound(report.tables.begin(), report.tables.end(), id,
                           [](const ReportedTable& t, uint32_t v) { return t.table_id < v; }) -
          report.tables.begin());
      TableResult tr{id, pos, hand.at(id), {}};
      tr.discrepancy =
          CompareHandCount(report.tables[pos], tr.hand, audit.margins, audit.weights[pos]);
      if (tr.discrepancy.at_bound && at_bound.empty()) {
        at_bound = "table " + std::to_string(id) +
                   "'s hand count differs from its acta by its whole error bound (taint 1)";
      }
      discrepancy[pos] = tr.discrepancy;
      counted.insert(pos);
      round.results.push_back(std::move(tr));
    }
    if (!at_bound.empty()) {
      round.decision = Decision::kFullCount;
      round.reason = at_bound;
      round.risk = 1;
      full_count(at_bound);
      break;
    }
    for (const DrawResult& d : round.draws)
      risk *= DrawRiskFactor(audit.total_bound, discrepancy.at(d.position).taint);
    round.risk = risk;
    if (risk <= audit.params.alpha) {
      round.decision = Decision::kStop;
      audit.status = AuditStatus::kRiskLimitMet;
      break;
    }
    next = DrawsNeeded(audit.params.alpha, risk, audit.total_bound);
  }
  ACTA_RETURN_IF_ERROR(refuse_extra(audit.rounds.size()));
  return audit;
}

}  // namespace acta::audit
