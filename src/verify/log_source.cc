#include "verify/log_source.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/strict_json.h"
#include "verify/dump_layout.h"

namespace acta::verify {

std::string HttpLogSource::Route(const std::string& path) const {
  if (mirror_) return "/" + path;
  if (path == kManifestJson) return "/v1/manifest";
  if (path == kTablesBin) return "/v1/manifest/tables.bin";
  if (path == kManifestSig) return "/v1/manifest/manifest.sig";
  if (path == kLatestCheckpoint) return "/checkpoint";
  if (path.starts_with("bulletin/") && path.ends_with(".json")) {
    return "/v1/bulletin?size=" + path.substr(9, path.size() - 9 - 5);
  }
  if (path.starts_with("proof/consistency/") && path.ends_with(".json")) {
    const std::string range = path.substr(18, path.size() - 18 - 5);
    const size_t dash = range.find('-');
    return "/v1/proof/consistency?from=" + range.substr(0, dash) + "&to=" + range.substr(dash + 1);
  }
  return "/" + path;  // tiles and entry bundles: the same paths
}

Result<Bytes> HttpLogSource::Fetch(const std::string& path) {
  const std::string route = Route(path);
  auto r = client_.Get(route);
  if (!r) return std::unexpected(r.error());
  if (r->status == 200) return std::move(r->body);
  return MakeError(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                   "GET " + route + ": HTTP " + std::to_string(r->status));
}

std::optional<int64_t> HttpLogSource::PublishedAtMs(uint64_t size) {
  if (mirror_) return std::nullopt;
  // That checkpoint alone, without its note: a few bytes, whatever was
  // signed since (asking for the latest one missed every checkpoint the
  // monitor verified while a newer one was already out: the busy moments).
  auto r = client_.Get("/v1/checkpoints?size=" + std::to_string(size) + "&note=0");
  if (!r || r->status != 200) return std::nullopt;
  auto j = nlohmann::json::parse(r->BodyText(), nullptr, false);
  if (!j.is_array() || j.size() != 1 || !j[0].is_object()) return std::nullopt;
  const auto& cp = j[0];
  if (JsonUint(cp, "size") != size) return std::nullopt;
  if (!cp.contains("created_at_ms") || !cp["created_at_ms"].is_number_unsigned())
    return std::nullopt;
  return cp["created_at_ms"].get<int64_t>();
}

}  // namespace acta::verify
