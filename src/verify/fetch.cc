#include "verify/fetch.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "core/strict_json.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
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
    if (r->status != 200) return std::unexpected(HttpError(route, *r));
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
    auto latest = client_.Get("/checkpoint");
    if (!latest) return std::unexpected(latest.error());
    if (latest->status != 200) return std::unexpected(HttpError("/checkpoint", *latest));
    auto list = Get("/v1/checkpoints", kCheckpointsJson);
    if (!list) return std::unexpected(list.error());
    auto pinned = Pin(latest->BodyText(), list->BodyText(), PinPolicy());
    if (!pinned) return std::unexpected(pinned.error());
    ACTA_RETURN_IF_ERROR(files_.Write(kLatestCheckpoint, AsBytes(pinned->note)));
    ++stats_.fetched;
    stats_.bytes += pinned->note.size();
    stats_.latest_size = pinned->size;
    stats_.pinned_quorum = pinned->quorum;

    ACTA_RETURN_IF_ERROR(FetchBundles(pinned->size));
    ACTA_RETURN_IF_ERROR(FetchLaterProofs(*pinned));

    std::set<uint64_t> sizes = {pinned->size};
    if (options_.all_bulletins) {
      for (const auto& c : pinned->listed) sizes.insert(c.size);
    }
    uint64_t done = 0;
    for (uint64_t size : sizes) {
      if (size > pinned->size) continue;
      ACTA_RETURN_IF_ERROR(FetchBulletin(size));
      if (options_.progress) options_.progress("bulletins", ++done, sizes.size());
    }
    json meta = {{"format", kDumpFormat},
                 {"center", options_.center_url},
                 {"latest_size", pinned->size},
                 {"tables_csv_size", csv_sized ? csv_size : pinned->size}};
    if (csv_sized && csv_size > pinned->size) {
      // Only with pin_size: the center serves the CSV of its latest
      // checkpoint, which is not evidence about the pinned one.
      ACTA_RETURN_IF_ERROR(files_.Remove(kTablesCsv));
      meta["tables_csv_size"] = nullptr;
    }
    ACTA_RETURN_IF_ERROR(files_.Write(kDumpJson, AsBytes(meta.dump(1) + "\n")));
    return WriteChecksums(files_);
  }

 private:
  struct Listed {
    uint64_t size = 0;
    std::string note;
  };
  struct Pinned {
    uint64_t size = 0;
    Hash256 root{};
    std::string note;
    size_t index = 0;            // position in `listed`; listed.size() if not listed
    bool quorum = false;         // checked against `quorum_of` (Pin) and has its quorum
    std::vector<Listed> listed;  // the checkpoint list as served
  };

  static Error HttpError(const std::string& route, const http::HttpResponse& r) {
    return Error{r.status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                 "GET " + route + ": HTTP " + std::to_string(r.status) + ": " +
                     std::string(r.BodyText().substr(0, 200))};
  }

  // The witness policy of the manifest just fetched when the pin must carry
  // its quorum (options_.pin_cosigned); nullopt otherwise or when the
  // manifest does not parse (the verifier reports that).
  std::optional<Manifest> PinPolicy() const {
    if (!options_.pin_cosigned || options_.pin_size) return std::nullopt;
    auto json = files_.Read(kManifestJson);
    auto tables = files_.Read(kTablesBin);
    if (!json || !tables) return std::nullopt;
    auto m = ParseManifest(AsChars(*json), *tables);
    if (!m || m->witnesses.empty()) return std::nullopt;
    return std::move(*m);
  }

  // The checkpoint everything is verified against: the latest served, the
  // last listed one of options_.pin_size, or the newest (latest first, then
  // the list from its end) with `quorum_of`'s witness quorum.
  Result<Pinned> Pin(std::string_view latest_note, std::string_view list_text,
                     const std::optional<Manifest>& quorum_of) const {
    Pinned pin;
    json list = json::parse(list_text, nullptr, false);
    if (list.is_array()) {
      for (const auto& c : list) {
        if (!c.is_object() || !c.contains("size") || !c["size"].is_number_unsigned() ||
            !c.contains("note") || !c["note"].is_string())
          continue;  // the verifier reports malformed list items
        pin.listed.push_back({c["size"].get<uint64_t>(), c["note"].get<std::string>()});
      }
    }
    std::string note(latest_note);
    if (options_.pin_size) {
      const auto it = std::find_if(pin.listed.rbegin(), pin.listed.rend(),
                                   [&](const Listed& l) { return l.size == *options_.pin_size; });
      if (it == pin.listed.rend())
        return MakeError(ErrorCode::kNotFound,
                         "no published checkpoint has size " + std::to_string(*options_.pin_size));
      note = it->note;
    } else if (quorum_of) {
      auto has_quorum = [&](const std::string& n) {
        auto checked = log::VerifyCheckpointForManifest(n, *quorum_of);
        return checked && checked->quorum;
      };
      pin.quorum = has_quorum(note);
      if (!pin.quorum) {
        const auto it = std::find_if(pin.listed.rbegin(), pin.listed.rend(),
                                     [&](const Listed& l) { return has_quorum(l.note); });
        if (it != pin.listed.rend()) {
          note = it->note;
          pin.quorum = true;
        }
      }
    }
    auto cp = log::ParseCheckpointUnverified(note);
    if (!cp)
      return MakeError(ErrorCode::kMalformed,
                       "the pinned checkpoint does not parse: " + cp.error().message);
    pin.size = cp->size;
    pin.root = cp->root;
    pin.note = std::move(note);
    // The list may carry the same checkpoint with other cosignatures (they
    // arrive while it is read): match on the signed text.
    auto text_of = [](std::string_view n) {
      auto parsed = log::ParseNote(n);
      return parsed ? parsed->text : std::string(n);
    };
    const std::string text = text_of(pin.note);
    const auto found = std::find_if(pin.listed.rbegin(), pin.listed.rend(),
                                    [&](const Listed& l) { return text_of(l.note) == text; });
    pin.index = found == pin.listed.rend() ? pin.listed.size()
                                           : static_cast<size_t>(pin.listed.rend() - found) - 1;
    return pin;
  }

  // Consistency proofs from the pinned checkpoint to every larger one listed
  // after it and every remembered size beyond it. A center that cannot
  // answer leaves them unproven (the verifier says so); it is not a fault
  // of the fetch.
  Status FetchLaterProofs(const Pinned& pin) {
    std::set<uint64_t> targets;
    for (size_t i = pin.index + 1; i < pin.listed.size(); ++i) {
      ++stats_.later_checkpoints;
      if (pin.listed[i].size > pin.size) targets.insert(pin.listed[i].size);
    }
    for (uint64_t size : options_.remembered_sizes) {
      if (size > pin.size) targets.insert(size);
    }
    uint64_t done = 0;
    for (uint64_t to : targets) {
      const std::string path = ConsistencyProofPath(pin.size, to);
      if (files_.Read(path)) {
        ++stats_.skipped;
      } else {
        const std::string route =
            "/v1/proof/consistency?from=" + std::to_string(pin.size) + "&to=" + std::to_string(to);
        auto r = client_.Get(route);
        if (r && r->status == 200) {
          ACTA_RETURN_IF_ERROR(files_.Write(path, r->body));
          ++stats_.fetched;
          stats_.bytes += r->body.size();
        }
      }
      if (options_.progress) options_.progress("proofs", ++done, targets.size());
    }
    return Ok();
  }

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
      auto got = Get("/" + path, path);
      if (!got && got.error().code == ErrorCode::kNotFound) {
        // The checkpoint covers entries the center does not serve: the
        // verifier reports it (checkpoint_beyond_log) from what is here.
        (void)files_.Remove(path);
        break;
      }
      if (!got) return std::unexpected(got.error());
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
      if (j.is_object() && j.contains("checkpoint") && JsonUint(j["checkpoint"], "size") == size) {
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
