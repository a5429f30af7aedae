// One contest's risk-limiting audit, recomputed from scratch from its
// inputs: the contest's reported results at the pinned checkpoint, the
// public parameters (risk limit, seed) and the hand counts recorded so far.
// Everything else (bounds, draws, discrepancies, risk, decisions) is a pure
// function of those, so `acta audit verify` reruns exactly this.
//
// Rounds: round 1 draws n_1 = DrawsNeeded(alpha, 1, U) tickets. Each round
// asks for the hand counts of the tables it drew that no earlier round
// counted. After they are recorded the risk P over every draw so far
// decides: stop (P <= alpha), escalate (round k+1 draws DrawsNeeded(alpha,
// P, U) more), or full hand count (a taint reaching 1, or a next round that
// would need as many draws as tables left uncounted). A contest whose
// margins cannot carry an audit (a tie, or missing tables that could swallow
// the margin) needs a full hand count from the start and draws nothing.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "audit/draw.h"
#include "audit/macro.h"
#include "core/bytes.h"
#include "core/error.h"

namespace acta::audit {

struct AuditParameters {
  Hash256 election_id{};
  std::string contest_id;
  std::string risk_limit;  // decimal text as given ("0.05"); alpha is its value
  double alpha = 0;
  std::string seed;
  uint64_t checkpoint_size = 0;
  Hash256 checkpoint_root{};
  std::string checkpoint_note;  // the signed note, as published
};

// "0.05" and the like: digits with one '.', strictly between 0 and 1.
// Errors: kInvalidArgument.
[[nodiscard]] Result<double> ParseRiskLimit(std::string_view text);

// Hand counts of one round: table id -> votes per candidate (manifest order).
using HandCounts = std::map<uint32_t, std::vector<uint64_t>>;

struct TableResult {
  uint32_t table_id = 0;
  size_t position = 0;  // index in ContestReport::tables
  std::vector<uint64_t> hand;
  Discrepancy discrepancy;
};

enum class Decision { kAwaitingHandCounts, kStop, kEscalate, kFullCount };
std::string_view DecisionName(Decision d);  // "awaiting_hand_counts", "stop", ...

struct Round {
  uint32_t number = 0;  // from 1
  uint64_t first_draw = 0;
  std::vector<DrawResult> draws;
  std::vector<uint32_t> to_count;    // tables first drawn in this round, by id
  std::vector<TableResult> results;  // the same tables, once recorded
  double risk = 1;                   // P after this round (over every draw so far)
  Decision decision = Decision::kAwaitingHandCounts;
  std::string reason;  // why a full hand count, when it is one
};

enum class AuditStatus { kInProgress, kRiskLimitMet, kFullCount };
std::string_view AuditStatusName(AuditStatus s);  // "in_progress", "risk_limit_met", "full_count"

struct Audit {
  AuditParameters params;
  Margins margins;
  std::vector<Weight> weights;  // w_p per table, manifest order
  Weight total_weight = 0;      // W = U x 2^32
  double total_bound = 0;       // U
  uint64_t tables_with_bound = 0;
  std::vector<Round> rounds;
  AuditStatus status = AuditStatus::kInProgress;
  std::string reason;  // for kFullCount
};

// Runs the audit through `recorded` (recorded[k] holds round k+1's hand
// counts). Errors: kInvalidArgument when the report is not of the contest,
// the seed or risk limit is bad, or a round's hand counts do not cover
// exactly the tables it asks for (the message lists them) or have the wrong
// number of candidates; kFailedPrecondition when hand counts are given for a
// round the audit never reaches (it stopped or needs a full count).
[[nodiscard]] Result<Audit> RunAudit(const ContestReport& report, const AuditParameters& params,
                                     std::span<const HandCounts> recorded);

}  // namespace acta::audit
