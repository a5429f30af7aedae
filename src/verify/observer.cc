#include "verify/observer.h"

#include <nlohmann/json.hpp>

#include "core/acta_check.h"
#include "core/strict_json.h"
#include "log/proof.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify {
namespace {

using nlohmann::json;

Result<http::HttpResponse> GetOk(http::HttpClient& client, const std::string& route) {
  auto r = client.Get(route);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return MakeError(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                     "GET " + route + ": HTTP " + std::to_string(r->status) + ": " +
                         std::string(r->BodyText().substr(0, 200)));
  }
  return r;
}

// The counts of the center's table JSON "acta" object, against ours; "" if equal.
std::string CompareCounts(const json& a, const ActaBody& body) {
  if (JsonInteger<uint64_t>(a.at("closing_time")) != body.closing_time) return "closing_time";
  if (JsonInteger<uint32_t>(a.at("correction")) != body.correction) return "correction";
  if (JsonInteger<uint32_t>(a.at("ballots_cast")) != body.ballots_cast) return "ballots_cast";
  const json& contests = a.at("contests");
  if (contests.size() != body.contests.size()) return "contests";
  for (size_t i = 0; i < contests.size(); ++i) {
    const auto& c = body.contests[i];
    if (JsonIntegers<uint32_t>(contests[i].at("votes")) != c.candidates) {
      return "contests[" + contests[i].value("id", std::to_string(i)) + "].votes";
    }
    if (JsonInteger<uint32_t>(contests[i].at("blank")) != c.blank)
      return "contests[" + std::to_string(i) + "].blank";
    if (JsonInteger<uint32_t>(contests[i].at("null")) != c.null_votes)
      return "contests[" + std::to_string(i) + "].null";
  }
  return "";
}

// The table's logged acta from a /v1/tables/{id} object ("acta", "leaf_hash").
void ReadLogged(const json& j, const ActaBody& ours, ObserverReport& out) {
  if (!j.contains("leaf_hash") || !j.contains("acta")) return;
  out.logged_leaf_hash = j.at("leaf_hash").get<std::string>();
  const json& a = j.at("acta");
  ActaBody b;
  b.election_id = ours.election_id;
  b.table_id = ours.table_id;
  b.closing_time = JsonInteger<uint64_t>(a.at("closing_time"));
  b.correction = JsonInteger<uint32_t>(a.at("correction"));
  b.ballots_cast = JsonInteger<uint32_t>(a.at("ballots_cast"));
  for (const json& c : a.at("contests")) {
    b.contests.push_back(ContestCounts{JsonIntegers<uint32_t>(c.at("votes")),
                                       JsonInteger<uint32_t>(c.at("blank")),
                                       JsonInteger<uint32_t>(c.at("null"))});
  }
  out.logged = std::move(b);
}

// GET /v1/tables/{id}, parsed, with out.table_status and out.logged filled;
// empty (and a problem in the report) when the answer does not parse.
Result<std::optional<json>> FetchTable(http::HttpClient& client, const Acta& acta,
                                       std::optional<uint64_t> index, uint64_t size,
                                       ObserverReport& out) {
  const std::string route = "/v1/tables/" + std::to_string(acta.body.table_id);
  auto status = GetOk(client, route);
  if (!status) return std::unexpected(status.error());
  try {
    json j = json::parse(status->BodyText());
    out.table_status = j.at("status").get<std::string>();
    ReadLogged(j, acta.body, out);
    return j;
  } catch (const std::exception& e) {
    out.report.Add({ProblemKind::kMalformedFile, std::string("table status: ") + e.what(), index,
                    acta.body.table_id, size, route, ErrorCode::kMalformed});
    return std::nullopt;
  }
}

}  // namespace

Result<std::optional<ObservedLog>> OpenObservedLog(http::HttpClient& client,
                                                   const ObserverOptions& options, Report& report) {
  MemoryFiles files;
  for (auto [route, name] :
       {std::pair{"/v1/manifest", kManifestJson}, std::pair{"/v1/manifest/tables.bin", kTablesBin},
        std::pair{"/v1/manifest/manifest.sig", kManifestSig}}) {
    auto r = GetOk(client, route);
    if (!r) return std::unexpected(r.error());
    ACTA_RETURN_IF_ERROR(files.Write(name, r->body));
  }
  VerifyOptions vo;
  vo.pinned_authority = options.pinned_authority;
  vo.expected_election_id = options.expected_election_id;
  auto manifest = internal::CheckManifest(files, vo, report);
  if (!manifest) return std::nullopt;

  auto latest = GetOk(client, "/checkpoint");
  if (!latest) return std::unexpected(latest.error());
  auto cp = internal::VerifyCenterCheckpoint(latest->BodyText(), *manifest);
  if (!cp) {
    report.Add({cp.error().code == ErrorCode::kWrongElection ? ProblemKind::kCheckpointOrigin
                                                             : ProblemKind::kCheckpointSignature,
                "latest checkpoint: " + cp.error().message,
                {},
                {},
                {},
                kLatestCheckpoint,
                cp.error().code});
    return std::nullopt;
  }
  report.checkpoints = 1;
  report.latest_size = cp->size;
  report.latest_root = cp->root;
  report.latest_note = std::string(latest->BodyText());
  return ObservedLog{std::move(*manifest), *cp, std::string(latest->BodyText())};
}

Result<ObserverReport> CheckActaInLog(http::HttpClient& client, const ObservedLog& log,
                                      const Acta& acta) {
  ObserverReport out;
  Report& report = out.report;
  out.table_id = acta.body.table_id;
  out.leaf_hash = acta.LeafHash();
  const uint32_t table = out.table_id;
  const log::Checkpoint* cp = &log.checkpoint;
  report.checkpoints = 1;
  report.latest_size = cp->size;
  report.latest_root = cp->root;
  report.latest_note = log.note;
  if (auto checked = VerifyActa(acta, log.manifest); !checked) {
    report.Add({ProblemKind::kEntry,
                "the acta itself does not verify: " + checked.error().message,
                {},
                table,
                {},
                {},
                checked.error().code});
    return out;
  }

  const std::string route =
      "/v1/proof/inclusion?leaf=" + HexEncode(out.leaf_hash) + "&size=" + std::to_string(cp->size);
  auto proof = client.Get(route);
  if (!proof) return std::unexpected(proof.error());
  if (proof->status == 404) {
    report.Add({ProblemKind::kInclusion,
                "the center says this acta is not in its log at size " + std::to_string(cp->size) +
                    ": " + std::string(proof->BodyText().substr(0, 200)),
                {},
                table,
                cp->size,
                {},
                ErrorCode::kNotFound});
    // What the log holds for the table instead (nothing, or another acta).
    if (auto j = FetchTable(client, acta, {}, cp->size, out); !j) return std::unexpected(j.error());
    return out;
  }
  if (proof->status != 200) {
    return MakeError(ErrorCode::kUnavailable,
                     "GET " + route + ": HTTP " + std::to_string(proof->status));
  }
  try {
    json j = json::parse(proof->BodyText());
    const uint64_t index = JsonInteger<uint64_t>(j.at("index"));
    std::vector<Hash256> hashes;
    for (const auto& h : j.at("hashes")) {
      auto decoded = HexDecodeFixed<32>(h.get<std::string>());
      if (!decoded) throw std::runtime_error("a proof hash is not 64 hex digits");
      hashes.push_back(*decoded);
    }
    if (auto st = log::VerifyInclusion(out.leaf_hash, index, cp->size, hashes, cp->root); !st) {
      report.Add({ProblemKind::kInclusion,
                  "the inclusion proof for entry " + std::to_string(index) +
                      " does not lead to the signed root: " + st.error().message,
                  index,
                  table,
                  cp->size,
                  {},
                  st.error().code});
      return out;
    }
    out.index = index;
  } catch (const std::exception& e) {
    report.Add({ProblemKind::kMalformedFile,
                std::string("inclusion proof: ") + e.what(),
                {},
                table,
                cp->size,
                route,
                ErrorCode::kMalformed});
    return out;
  }

  auto fetched = FetchTable(client, acta, out.index, cp->size, out);
  if (!fetched) return std::unexpected(fetched.error());
  if (!*fetched) return out;
  const json& j = **fetched;
  try {
    if (out.table_status != "counted") {
      report.Add({ProblemKind::kTableStatus,
                  "the table's status is \"" + out.table_status + "\", not counted",
                  out.index,
                  table,
                  cp->size,
                  {},
                  {}});
    } else if (j.at("leaf_hash").get<std::string>() != HexEncode(out.leaf_hash) ||
               JsonInteger<uint64_t>(j.at("seq")) != *out.index) {
      report.Add({ProblemKind::kTableStatus,
                  "the table is counted with another acta (entry " +
                      std::to_string(JsonInteger<uint64_t>(j.at("seq"))) + ", leaf " +
                      j.at("leaf_hash").get<std::string>() + ")",
                  out.index,
                  table,
                  cp->size,
                  {},
                  {}});
    } else if (auto field = CompareCounts(j.at("acta"), acta.body); !field.empty()) {
      report.Add({ProblemKind::kTableStatus,
                  "the center counts a different " + field + " than the acta says",
                  out.index,
                  table,
                  cp->size,
                  "/v1/tables/" + std::to_string(table),
                  {}});
    }
  } catch (const std::exception& e) {
    report.Add({ProblemKind::kMalformedFile, std::string("table status: ") + e.what(), out.index,
                table, cp->size, "/v1/tables/" + std::to_string(table), ErrorCode::kMalformed});
  }
  return out;
}

Result<ObserverReport> VerifyActaInLog(http::HttpClient& client, const Acta& acta,
                                       const ObserverOptions& options) {
  Report report;
  auto log = OpenObservedLog(client, options, report);
  if (!log) return std::unexpected(log.error());
  if (!*log) {
    ObserverReport out;
    out.report = std::move(report);
    out.table_id = acta.body.table_id;
    out.leaf_hash = acta.LeafHash();
    return out;
  }
  return CheckActaInLog(client, **log, acta);
}

}  // namespace acta::verify
