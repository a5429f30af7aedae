#include "cli/counts_file.h"

#include <nlohmann/json.hpp>

#include "core/strict_json.h"

namespace acta::cli {
namespace {

using nlohmann::json;

Result<uint32_t> ReadCount(const json& v, const std::string& path) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > UINT32_MAX) {
    return MakeError(ErrorCode::kMalformed, path + ": must be an integer in 0..4294967295");
  }
  return static_cast<uint32_t>(v.get<uint64_t>());
}

}  // namespace

Result<ActaBody> ParseCountsFile(std::string_view text, const Manifest& manifest) {
  auto parsed = ParseStrictJson(text, "counts file");
  if (!parsed) return std::unexpected(parsed.error());
  const json& root = *parsed;
  if (!root.is_object())
    return MakeError(ErrorCode::kMalformed, "counts file: must be a JSON object");
  for (const auto& [key, _] : root.items()) {
    if (key != "ballots_cast" && key != "contests") {
      return MakeError(ErrorCode::kMalformed, "counts file: unknown field \"" + key + "\"");
    }
  }
  if (!root.contains("ballots_cast"))
    return MakeError(ErrorCode::kMalformed, "counts file: missing ballots_cast");
  if (!root.contains("contests") || !root["contests"].is_object()) {
    return MakeError(ErrorCode::kMalformed,
                     "counts file: contests must be an object keyed by contest id");
  }
  ActaBody body;
  auto cast = ReadCount(root["ballots_cast"], "ballots_cast");
  if (!cast) return std::unexpected(cast.error());
  body.ballots_cast = *cast;
  const json& contests = root["contests"];
  for (const auto& [key, _] : contests.items()) {
    bool known = false;
    for (const Contest& c : manifest.contests) known = known || c.id == key;
    if (!known)
      return MakeError(ErrorCode::kMalformed,
                       "contests." + key + ": not a contest of this election");
  }
  for (const Contest& contest : manifest.contests) {
    const std::string path = "contests." + contest.id;
    if (!contests.contains(contest.id)) return MakeError(ErrorCode::kMalformed, path + ": missing");
    const json& c = contests[contest.id];
    if (!c.is_object()) return MakeError(ErrorCode::kMalformed, path + ": must be an object");
    for (const auto& [key, _] : c.items()) {
      if (key != "votes" && key != "blank" && key != "null") {
        return MakeError(ErrorCode::kMalformed, path + ": unknown field \"" + key + "\"");
      }
    }
    if (!c.contains("votes") || !c["votes"].is_object()) {
      return MakeError(ErrorCode::kMalformed,
                       path + ".votes: must be an object keyed by candidate id");
    }
    ContestCounts counts;
    for (const auto& [key, _] : c["votes"].items()) {
      bool known = false;
      for (const Candidate& cand : contest.candidates) known = known || cand.id == key;
      if (!known)
        return MakeError(ErrorCode::kMalformed,
                         path + ".votes." + key + ": not a candidate of this contest");
    }
    for (const Candidate& cand : contest.candidates) {
      const std::string vpath = path + ".votes." + cand.id;
      if (!c["votes"].contains(cand.id))
        return MakeError(ErrorCode::kMalformed, vpath + ": missing");
      auto v = ReadCount(c["votes"][cand.id], vpath);
      if (!v) return std::unexpected(v.error());
      counts.candidates.push_back(*v);
    }
    for (const char* field : {"blank", "null"}) {
      if (!c.contains(field))
        return MakeError(ErrorCode::kMalformed, path + "." + field + ": missing");
      auto v = ReadCount(c[field], path + "." + field);
      if (!v) return std::unexpected(v.error());
      (std::string_view(field) == "blank" ? counts.blank : counts.null_votes) = *v;
    }
    body.contests.push_back(std::move(counts));
  }
  return body;
}

std::string CountsToJson(const ActaBody& body, const Manifest& manifest) {
  json root;
  root["ballots_cast"] = body.ballots_cast;
  json contests = json::object();
  for (size_t i = 0; i < manifest.contests.size() && i < body.contests.size(); ++i) {
    const Contest& contest = manifest.contests[i];
    json votes = json::object();
    for (size_t k = 0; k < contest.candidates.size() && k < body.contests[i].candidates.size();
         ++k) {
      votes[contest.candidates[k].id] = body.contests[i].candidates[k];
    }
    contests[contest.id] = {
        {"votes", votes}, {"blank", body.contests[i].blank}, {"null", body.contests[i].null_votes}};
  }
  root["contests"] = contests;
  return root.dump(2) + "\n";
}

}  // namespace acta::cli
