#include "verify/fetch.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "log/checkpoint.h"
#include "log/tiles.h"
#include "verify/dump_layout.h"

namespace acta::verify {
namespace {

using nlohmann::json;

class Fetcher {
 public:
  Fetcher(http::HttpClient& client, Files& files, const FetchOptions& options, FetchStats& stats)
      : client_(client), files_(files), options_(options), stats_(stats) {}

  // GET `route` and store the body as `path`; returns the response.
  Result<http::HttpResponse> Get(const std::string& route, const std::string& path) {
    auto r = client_.Get(route);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) {
      return MakeError(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                       "GET " + route + ": HTTP " + std::to_string(r->status) + ": " +
                           std::string(r->BodyText().substr(0, 200)));
    }
    ACTA_RETURN_IF_ERROR(files_.Write(path, r->body));
    ++stats_.fetched;
    stats_.bytes += r->body.size();
    return r;
  }

  Status Run() {
    for (const char* name : {kManifestJson, kTablesBin, kManifestSig}) {
      std::string route = name == std::string(kManifestJson) ? "/v1/manifest"
                          : name == std::string(kTablesBin)  ? "/v1/manifest/tables.bin"
                                                             : "/v1/manifest/manifest.sig";
      ACTA_RETURN_IF_ERROR(Get(route, name));
    }
    auto csv = Get("/v1/export/tables.csv", kTablesCsv);
    if (!csv) return std::unexpected(csv.error());
    uint64_t csv_size = 0;
    const std::string_view csv_header = csv->Header("acta-checkpoint-size");
    const bool csv_sized =
        !csv_header.empty() &&
        std::from_chars(csv_header.data(), csv_header.data() + csv_header.size(), csv_size).ec ==
            std::errc();
    auto latest = Get("/checkpoint", kLatestCheckpoint);
    if (!latest) return std::unexpected(latest.error());
    auto cp = log::ParseCheckpointUnverified(latest->BodyText());
    if (!cp)
      return MakeError(ErrorCode::kMalformed,
                       "the latest checkpoint does not parse: " + cp.error().message);
    stats_.latest_size = cp->size;
    auto list = Get("/v1/checkpoints", kCheckpointsJson);
    if (!list) return std::unexpected(list.error());

    ACTA_RETURN_IF_ERROR(FetchBundles(cp->size));

    std::set<uint64_t> sizes = {cp->size};
    if (options_.all_bulletins) {
      json j = json::parse(list->BodyText(), nullptr, false);
      if (j.is_array()) {
        for (const auto& c : j) {
          if (c.is_object() && c.contains("size") && c["size"].is_number_unsigned())
            sizes.insert(c["size"].get<uint64_t>());
        }
      }
    }
    uint64_t done = 0;
    for (uint64_t size : sizes) {
      if (size > cp->size) continue;
      ACTA_RETURN_IF_ERROR(FetchBulletin(size));
      if (options_.progress) options_.progress("bulletins", ++done, sizes.size());
    }

    json meta = {{"format", kDumpFormat},
                 {"center", options_.center_url},
                 {"latest_size", cp->size},
                 {"tables_csv_size", csv_sized ? csv_size : cp->size}};
    ACTA_RETURN_IF_ERROR(files_.Write(kDumpJson, AsBytes(meta.dump(1) + "\n")));
    return WriteChecksums(files_);
  }

 private:
  Status FetchBundles(uint64_t size) {
    const auto bundles = EntryBundlesFor(size);
    std::set<std::string> wanted;
    uint64_t done = 0;
    for (const log::TileId& tile : bundles) {
      const std::string path = log::TilePath(tile);
      wanted.insert(path);
      if (auto have = files_.Read(path); have) {
        auto parsed = log::ParseEntryBundle(*have);
        if (parsed && parsed->size() == tile.width) {
          ++stats_.skipped;
          if (options_.progress) options_.progress("fetch", ++done, bundles.size());
          continue;
        }
      }
      ACTA_RETURN_IF_ERROR(Get("/" + path, path));
      if (options_.progress) options_.progress("fetch", ++done, bundles.size());
    }
    // Partial bundles of earlier runs are superseded by wider ones.
    for (const auto& path : files_.List()) {
      if (path.starts_with("tile/entries/") && !wanted.contains(path))
        ACTA_RETURN_IF_ERROR(files_.Remove(path));
    }
    return Ok();
  }

  Status FetchBulletin(uint64_t size) {
    const std::string path = BulletinPath(size);
    if (auto have = files_.Read(path); have) {
      json j = json::parse(AsChars(*have), nullptr, false);
      if (j.is_object() && j.contains("checkpoint") && j["checkpoint"].is_object() &&
          j["checkpoint"].value("size", UINT64_MAX) == size) {
        ++stats_.skipped;
        return Ok();
      }
    }
    auto r = Get("/v1/bulletin?size=" + std::to_string(size), path);
    if (!r) return std::unexpected(r.error());
    return Ok();
  }

  http::HttpClient& client_;
  Files& files_;
  const FetchOptions& options_;
  FetchStats& stats_;
};

}  // namespace

Result<FetchStats> FetchCenter(http::HttpClient& client, Files& files,
                               const FetchOptions& options) {
  FetchStats stats;
  Fetcher fetcher(client, files, options, stats);
  ACTA_RETURN_IF_ERROR(fetcher.Run());
  return stats;
}

}  // namespace acta::verify
