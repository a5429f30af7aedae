// audit.json, the per-round sample and team lists, and loading/writing the
// directory (audit_dir.h).
#include "audit/audit_dir.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/strict_json.h"

namespace acta::audit {
namespace {

using nlohmann::json;

json RoundJson(const Audit& audit, const Round& round, const ContestReport& report) {
  json results = json::array();
  for (const TableResult& r : round.results) {
    const ReportedTable& t = report.tables[r.position];
    const auto drawn = std::count_if(round.draws.begin(), round.draws.end(),
                                     [&](const DrawResult& d) { return d.position == r.position; });
    results.push_back({{"table", r.table_id},
                       {"region", t.region},
                       {"drawn", drawn},
                       {"error_bound", WeightToDouble(audit.weights[r.position])},
                       {"reported", t.votes},
                       {"hand", r.hand},
                       {"overstatement", r.discrepancy.overstatement},
                       {"discrepancy", r.discrepancy.error},
                       {"taint", r.discrepancy.taint}});
  }
  const bool recorded = round.decision != Decision::kAwaitingHandCounts;
  return {{"round", round.number},
          {"first_draw", round.first_draw},
          {"draws", round.draws.size()},
          {"tables", round.to_count},
          {"recorded", recorded},
          {"results", results},
          {"risk", recorded ? json(round.risk) : json(nullptr)},
          {"decision", DecisionName(round.decision)},
          {"reason", round.reason}};
}

std::string AuditJson(const Audit& audit, const ContestReport& report) {
  const AuditParameters& p = audit.params;
  const Margins& m = audit.margins;
  json margins = json::object();
  for (size_t c = 0; c < report.candidates.size(); ++c) {
    if (static_cast<int32_t>(c) != m.winner && m.winner >= 0)
      margins[report.candidates[c]] = m.pair[c];
  }
  json rounds = json::array();
  for (const Round& r : audit.rounds) rounds.push_back(RoundJson(audit, r, report));
  json j = {{"format", kAuditFormat},
            {"election_id", HexEncode(p.election_id)},
            {"contest", p.contest_id},
            {"candidates", report.candidates},
            {"risk_limit", p.risk_limit},
            {"seed", p.seed},
            {"checkpoint",
             {{"size", p.checkpoint_size},
              {"root", HexEncode(p.checkpoint_root)},
              {"note", p.checkpoint_note}}},
            {"reported",
             {{"totals", m.totals},
              {"unreported_registered", m.unreported},
              {"winner", m.winner >= 0 ? json(report.candidates[m.winner]) : json(nullptr)},
              {"margins", margins}}},
            {"error_bounds",
             {{"total_weight", WeightToDecimal(audit.total_weight)},
              {"U", audit.total_bound},
              {"tables", audit.tables_with_bound}}},
            {"status", AuditStatusName(audit.status)},
            {"reason", audit.reason},
            {"rounds", rounds}};
  return j.dump(1) + "\n";
}

std::string SampleCsv(const Round& round, const ContestReport& report) {
  std::string out = "draw,hash,value,table,region\n";
  for (const DrawResult& d : round.draws) {
    const ReportedTable& t = report.tables[d.position];
    out += std::to_string(d.index) + "," + HexEncode(d.hash) + "," + WeightToDecimal(d.value) +
           "," + std::to_string(t.table_id) + "," + t.region + "\n";
  }
  return out;
}

// The list an audit team prints: per voting center, the tables to open.
std::string TeamsText(const Audit& audit, const Round& round, const ContestReport& report) {
  std::map<std::string, std::vector<size_t>> by_center;  // region code -> positions
  for (const DrawResult& d : round.draws) {
    const uint32_t id = report.tables[d.position].table_id;
    if (!std::binary_search(round.to_count.begin(), round.to_count.end(), id)) continue;
    auto& v = by_center[report.tables[d.position].region];
    if (std::find(v.begin(), v.end(), d.position) == v.end()) v.push_back(d.position);
  }
  std::string out = "Risk-limiting audit, contest " + audit.params.contest_id + ", round " +
                    std::to_string(round.number) + "\n" + "Pinned to checkpoint size " +
                    std::to_string(audit.params.checkpoint_size) + ", root " +
                    HexEncode(audit.params.checkpoint_root) + "\n" + "Seed " + audit.params.seed +
                    ", draws " + std::to_string(round.first_draw) + ".." +
                    std::to_string(round.first_draw + round.draws.size() - 1) + ", " +
                    std::to_string(round.to_count.size()) + " tables to hand count in " +
                    std::to_string(by_center.size()) + " voting centers\n";
  for (auto& [code, positions] : by_center) {
    std::sort(positions.begin(), positions.end());
    out += "\n" + code + "  " + report.tables[positions.front()].region_name + "\n";
    for (size_t pos : positions) {
      const ReportedTable& t = report.tables[pos];
      out += "  [ ] table " + std::to_string(t.table_id) + "  (" + std::to_string(t.registered) +
             " registered, " + std::to_string(t.ballots) + " ballots on the acta)\n";
    }
  }
  return out;
}

Status Bad(const std::string& what) {
  return MakeError(ErrorCode::kMalformed, "audit.json: " + what);
}

Result<AuditParameters> ParseParameters(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::unexpected(Bad("not a JSON object").error());
  AuditParameters p;
  try {
    if (j.at("format").get<std::string>() != kAuditFormat)
      return std::unexpected(Bad("format is not " + std::string(kAuditFormat)).error());
    auto id = HexDecodeFixed<32>(j.at("election_id").get<std::string>());
    auto root = HexDecodeFixed<32>(j.at("checkpoint").at("root").get<std::string>());
    if (!id || !root) return std::unexpected(Bad("election_id or root is not 64 hex").error());
    p.election_id = *id;
    p.contest_id = j.at("contest").get<std::string>();
    p.risk_limit = j.at("risk_limit").get<std::string>();
    p.seed = j.at("seed").get<std::string>();
    p.checkpoint_size = JsonInteger<uint64_t>(j.at("checkpoint").at("size"));
    p.checkpoint_root = *root;
    p.checkpoint_note = j.at("checkpoint").at("note").get<std::string>();
  } catch (const json::exception& e) {
    return std::unexpected(Bad(e.what()).error());
  }
  auto alpha = ParseRiskLimit(p.risk_limit);
  if (!alpha) return std::unexpected(Bad(alpha.error().message).error());
  p.alpha = *alpha;
  if (auto st = CheckSeed(p.seed); !st) return std::unexpected(Bad(st.error().message).error());
  return p;
}

}  // namespace

std::map<std::string, std::string> RenderAuditDir(const Audit& audit, const ContestReport& report,
                                                  std::span<const HandCounts> recorded) {
  std::map<std::string, std::string> files;
  files[kAuditJson] = AuditJson(audit, report);
  files[kCheckpointFile] = audit.params.checkpoint_note;
  files[kReportedCsv] = ReportedCsv(report, audit.weights);
  for (const Round& r : audit.rounds) {
    files[RoundPath(r.number, "sample.csv")] = SampleCsv(r, report);
    files[RoundPath(r.number, "teams.txt")] = TeamsText(audit, r, report);
    if (r.number <= recorded.size())
      files[RoundPath(r.number, "hand_counts.csv")] = HandCountsCsv(report, recorded[r.number - 1]);
  }
  return files;
}

Result<AuditInputs> LoadAuditInputs(const verify::Files& dir) {
  auto text = dir.Read(kAuditJson);
  if (!text) return std::unexpected(text.error());
  AuditInputs in;
  auto params = ParseParameters(AsChars(*text));
  if (!params) return std::unexpected(params.error());
  in.params = std::move(*params);
  auto reported = dir.Read(kReportedCsv);
  if (!reported) return std::unexpected(reported.error());
  auto report = ParseReportedCsv(AsChars(*reported), in.params.contest_id);
  if (!report) return std::unexpected(report.error());
  in.report = std::move(*report);
  for (uint32_t k = 1;; ++k) {
    const std::string path = RoundPath(k, "hand_counts.csv");
    auto hand = dir.Read(path);
    if (!hand && hand.error().code == ErrorCode::kNotFound) break;
    if (!hand) return std::unexpected(hand.error());
    auto counts = ParseHandCountsCsv(AsChars(*hand), path, in.report);
    if (!counts) return std::unexpected(counts.error());
    in.recorded.push_back(std::move(*counts));
  }
  return in;
}

Status WriteAuditDir(verify::Files& dir, const std::map<std::string, std::string>& files) {
  // audit.json last: a reader that sees a round in it finds its files.
  for (const auto& [path, content] : files) {
    if (path != kAuditJson) ACTA_RETURN_IF_ERROR(dir.Write(path, AsBytes(content)));
  }
  return dir.Write(kAuditJson, AsBytes(files.at(kAuditJson)));
}

}  // namespace acta::audit
