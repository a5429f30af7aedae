#include "tally/bulletin.h"

#include <nlohmann/json.hpp>

namespace acta::tally {
namespace {

// ordered_json keeps keys in insertion order, which is the documented order.
using Json = nlohmann::ordered_json;

constexpr std::string_view kBulletinFormat = "acta-bulletin-v1";

Json CandidateIdOrNull(const Contest& contest, int32_t index) {
  if (index < 0) return nullptr;
  return contest.candidates[index].id;
}

Json RegionObject(const Tally& tally, int32_t index) {
  const Manifest& m = tally.manifest();
  const Region& region = m.regions[index];
  const RegionTotals t = tally.Totals(index);
  Json j;
  j["code"] = region.code;
  j["name"] = region.name;
  j["level"] = RegionLevelName(region.level);
  j["parent"] = region.parent < 0 ? Json(nullptr) : Json(m.regions[region.parent].code);
  j["tables_expected"] = t.tables_expected;
  j["tables_counted"] = t.tables_counted;
  j["tables_conflicted"] = t.tables_conflicted;
  j["registered"] = t.registered;
  j["registered_counted"] = t.registered_counted;
  j["ballots_cast"] = t.ballots_cast;
  j["turnout"] = FormatTurnout(t.TurnoutBasisPoints());
  Json contests = Json::array();
  for (size_t c = 0; c < t.contests.size(); ++c) {
    const ContestTotals& ct = t.contests[c];
    const Contest& contest = m.contests[c];
    Json jc;
    jc["id"] = contest.id;
    jc["votes"] = ct.candidates;
    jc["blank"] = ct.blank;
    jc["null"] = ct.null_votes;
    jc["leader"] = CandidateIdOrNull(contest, ct.leader);
    jc["runner_up"] = CandidateIdOrNull(contest, ct.runner_up);
    jc["margin"] = ct.margin;
    jc["remaining"] = ct.remaining;
    jc["irreversible"] = ct.irreversible;
    contests.push_back(std::move(jc));
  }
  j["contests"] = std::move(contests);
  return j;
}

Json FlagArray(uint8_t flags) {
  Json a = Json::array();
  for (std::string_view name : TableFlagNames(flags)) a.push_back(name);
  return a;
}

// Invalid UTF-8 in manifest strings is replaced rather than thrown on, so a
// hand-made manifest cannot make serialisation fail.
std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Error InternalError(const std::exception& e) {
  return Error{ErrorCode::kInternal, std::string("json: ") + e.what()};
}

}  // namespace

std::string FormatTurnout(uint64_t basis_points) {
  std::string frac = std::to_string(basis_points % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return std::to_string(basis_points / 100) + "." + frac;
}

Result<std::string> BuildBulletin(const Tally& tally, const CheckpointRef& checkpoint,
                                  uint64_t generated_at, const BulletinOptions& options) {
  if (checkpoint.size != tally.log_size()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "checkpoint size " + std::to_string(checkpoint.size) +
                         " but the tally has applied " + std::to_string(tally.log_size()) +
                         " entries");
  }
  try {
    const Manifest& m = tally.manifest();
    Json j;
    j["format"] = kBulletinFormat;
    j["election_id"] = HexEncode(m.election_id);
    j["checkpoint"] = {{"size", checkpoint.size}, {"root", HexEncode(checkpoint.root)}};
    j["generated_at"] = generated_at;
    Json contests = Json::array();
    for (const Contest& c : m.contests) {
      Json candidates = Json::array();
      for (const Candidate& cand : c.candidates) {
        candidates.push_back({{"id", cand.id}, {"name", cand.name}, {"party", cand.party}});
      }
      contests.push_back({{"id", c.id}, {"name", c.name}, {"candidates", std::move(candidates)}});
    }
    j["contests"] = std::move(contests);
    Json regions = Json::array();
    for (size_t r = 0; r < m.regions.size(); ++r) {
      if (m.regions[r].level > options.max_level) continue;
      regions.push_back(RegionObject(tally, static_cast<int32_t>(r)));
    }
    j["regions"] = std::move(regions);
    j["invalid_entries"] = tally.invalid_entries();
    Json flags = Json::array();
    uint64_t flags_total = 0;
    for (size_t i = 0; i < m.tables.size(); ++i) {
      uint8_t f = tally.FlagsAt(i);
      if (f == 0) continue;
      ++flags_total;
      if (flags.size() < options.max_flagged_tables) {
        flags.push_back({{"table", m.tables[i].id}, {"flags", FlagArray(f)}});
      }
    }
    j["flags_total"] = flags_total;
    j["flags"] = std::move(flags);
    return Dump(j);
  } catch (const std::exception& e) {
    return std::unexpected(InternalError(e));
  }
}

Result<std::string> RegionJson(const Tally& tally, std::string_view code) {
  const int32_t index = tally.manifest().FindRegion(code);
  if (index < 0) {
    return MakeError(ErrorCode::kNotFound, "no region \"" + std::string(code) + "\"");
  }
  return RegionJsonAt(tally, index);
}

Result<std::string> RegionJsonAt(const Tally& tally, int32_t index) {
  if (index < 0 || static_cast<size_t>(index) >= tally.manifest().regions.size()) {
    return MakeError(ErrorCode::kNotFound, "no region #" + std::to_string(index));
  }
  try {
    Json j = RegionObject(tally, index);
    Json children = Json::array();
    for (uint32_t child : tally.Children(index)) {
      children.push_back(RegionObject(tally, static_cast<int32_t>(child)));
    }
    j["children"] = std::move(children);
    j["log_size"] = tally.log_size();
    return Dump(j);
  } catch (const std::exception& e) {
    return std::unexpected(InternalError(e));
  }
}

Result<std::string> TableJson(const Tally& tally, uint32_t table_id) {
  auto status = tally.StatusOf(table_id);
  if (!status) return std::unexpected(std::move(status).error());
  try {
    const Manifest& m = tally.manifest();
    Json j;
    j["table"] = status->table_id;
    j["region"] = m.regions[status->region].code;
    j["registered"] = status->registered;
    j["status"] = TableStateName(status->state);
    j["flags"] = FlagArray(status->flags);
    if (status->body) {
      const ActaBody& body = *status->body;
      j["seq"] = status->seq;
      j["leaf_hash"] = HexEncode(status->leaf_hash);
      Json acta;
      acta["closing_time"] = body.closing_time;
      acta["correction"] = body.correction;
      acta["ballots_cast"] = body.ballots_cast;
      Json contests = Json::array();
      for (size_t c = 0; c < body.contests.size(); ++c) {
        const ContestCounts& cc = body.contests[c];
        contests.push_back({{"id", m.contests[c].id},
                            {"votes", cc.candidates},
                            {"blank", cc.blank},
                            {"null", cc.null_votes}});
      }
      acta["contests"] = std::move(contests);
      j["acta"] = std::move(acta);
    }
    return Dump(j);
  } catch (const std::exception& e) {
    return std::unexpected(InternalError(e));
  }
}

}  // namespace acta::tally
