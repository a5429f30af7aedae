#include "audit/fetch_audit.h"

#include <nlohmann/json.hpp>
#include <string>

#include "audit/audit_dir.h"
#include "core/strict_json.h"

namespace acta::audit {

Status FetchPublishedAudit(http::HttpClient& client, std::string_view name, verify::Files& out) {
  const std::string base = "/v1/audits/" + std::string(name) + "/";
  auto get = [&](const std::string& file) -> Status {
    auto r = client.Get(base + file);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) {
      return MakeError(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                       "GET " + base + file + ": HTTP " + std::to_string(r->status));
    }
    return out.Write(file, r->body);
  };
  for (const char* file : {kAuditJson, kCheckpointFile, kReportedCsv})
    ACTA_RETURN_IF_ERROR(get(file));
  auto text = out.Read(kAuditJson);
  if (!text) return std::unexpected(text.error());
  const auto j = nlohmann::json::parse(AsChars(*text), nullptr, false);
  if (!j.is_object() || !j.contains("rounds") || !j["rounds"].is_array())
    return MakeError(ErrorCode::kMalformed, base + "audit.json: no rounds array");
  for (size_t k = 1; k <= j["rounds"].size(); ++k) {
    const uint32_t round = static_cast<uint32_t>(k);
    ACTA_RETURN_IF_ERROR(get(RoundPath(round, "sample.csv")));
    ACTA_RETURN_IF_ERROR(get(RoundPath(round, "teams.txt")));
    const auto& r = j["rounds"][k - 1];
    if (JsonBool(r, "recorded") == true)
      ACTA_RETURN_IF_ERROR(get(RoundPath(round, "hand_counts.csv")));
  }
  return Ok();
}

}  // namespace acta::audit
