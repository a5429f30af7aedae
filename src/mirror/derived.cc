// The files `acta mirror` derives from the log it checked: bulletins,
// regions, the CSV and the checkpoint lists, computed here with the same
// code the center uses (so the bytes are the center's), plus the arrivals
// (receipt times, which the log does not hold: copied as served) and the
// dashboard.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "mirror/internal/state.h"
#include "mirror/layout.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "tally/region_detail.h"

namespace acta::mirror::internal {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The center's /v1/checkpoints answer for this list: every checkpoint, or
// `max` of them evenly spread with the first and the latest always in.
std::string CheckpointListJson(const std::vector<ListedCheckpoint>& all, uint64_t max,
                               bool with_note) {
  json out = json::array();
  const uint64_t n = all.size();
  const uint64_t shown = std::min<uint64_t>(n, max);
  for (uint64_t k = 0; k < shown; ++k) {
    const auto& cp = all[shown == n ? k : (shown == 1 ? n - 1 : k * (n - 1) / (shown - 1))];
    json j = {{"size", cp.size}, {"root", HexEncode(cp.root)}, {"created_at_ms", cp.created_at_ms}};
    if (with_note) j["note"] = cp.note;
    out.push_back(std::move(j));
  }
  return out.dump() + "\n";
}

// Dashboard files that compress (the rest, images and fonts, do not).
bool IsText(const std::string& ext) {
  return ext == ".html" || ext == ".js" || ext == ".css" || ext == ".svg" || ext == ".json" ||
         ext == ".wasm" || ext == ".txt";
}

// The dashboard that the mirror serves: the build's files, with a marker in
// index.html that tells the page it runs from a static mirror (it then
// reads the files of layout.h and polls /checkpoint instead of events).
Status AddDashboard(const std::string& web_root, PublishBatch& batch) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(web_root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string rel = fs::relative(it->path(), web_root, ec).generic_string();
    auto data = ReadFile(it->path().string());
    if (!data) return std::unexpected(data.error());
    if (rel == "index.html") {
      std::string html(AsChars(*data));
      const auto head = html.find("<head>");
      if (head == std::string::npos)
        return MakeError(ErrorCode::kMalformed, web_root + "/index.html has no <head>");
      html.insert(head + 6, "\n    <meta name=\"acta-mirror\" content=\"1\" />");
      ACTA_RETURN_IF_ERROR(batch.AddCompressible(rel, html));
    } else if (IsText(it->path().extension().string())) {
      ACTA_RETURN_IF_ERROR(batch.AddCompressible(rel, std::move(*data)));
    } else {
      batch.Add(rel, std::move(*data));
    }
  }
  if (ec) return MakeError(ErrorCode::kIo, "cannot read " + web_root + ": " + ec.message());
  return Ok();
}

// The source's receipt key certificates, each checked against the
// manifest's center keys, added to the ones held and published together:
// without them a reader of this mirror would take the receipts of a center
// whose key is in a token for forgeries. A source without the route (404)
// adds none; a certificate that does not verify refuses the sync.
Status AddReceiptKeys(Mirror::State& s, PublishBatch& batch, uint64_t& bytes_fetched) {
  const std::string route(log::kReceiptKeysPath);
  auto got = s.client->Get(route);
  if (!got) return std::unexpected(got.error());
  std::lock_guard lock(s.receipt_keys_mu);
  if (got->status == 200) {
    bytes_fetched += got->body.size();
    if (auto st = s.receipt_keys->AddCertificates(got->BodyText()); !st)
      return MakeError(st.error().code, "the source's " + route + ": " + st.error().message);
  } else if (got->status != 404) {
    return MakeError(ErrorCode::kUnavailable,
                     "GET " + route + ": HTTP " + std::to_string(got->status));
  }
  return batch.AddCompressible(kReceiptKeys, s.receipt_keys->Json());
}

}  // namespace

Status AddRegionFiles(const Mirror::State& s, std::span<const int32_t> regions,
                      PublishBatch& batch) {
  for (int32_t r : regions) {
    auto body = tally::RegionDetailJsonAt(*s.tally, r);
    if (!body) return std::unexpected(body.error());
    ACTA_RETURN_IF_ERROR(batch.AddCompressible(RegionPath(s.manifest->regions[r].code), *body));
  }
  return Ok();
}

Status AddDerivedFiles(Mirror::State& s, const std::vector<ListedCheckpoint>& list,
                       PublishBatch& batch, uint64_t& bytes_fetched) {
  const ListedCheckpoint& cp = list.back();
  const tally::CheckpointRef ref{cp.size, cp.root};
  const uint64_t generated_at = cp.created_at_ms / 1000;
  auto full = tally::BuildBulletin(*s.tally, ref, generated_at);
  if (!full) return std::unexpected(full.error());
  tally::BulletinOptions state_level;
  state_level.max_level = RegionLevel::kState;
  auto states = tally::BuildBulletin(*s.tally, ref, generated_at, state_level);
  if (!states) return std::unexpected(states.error());
  ACTA_RETURN_IF_ERROR(batch.AddCompressible(kBulletin, *full));
  ACTA_RETURN_IF_ERROR(batch.AddCompressible(BulletinAtPath(cp.size), *full));
  ACTA_RETURN_IF_ERROR(batch.AddCompressible(kBulletinState, *states));
  if (s.bulletin_sizes.empty() || s.bulletin_sizes.back() != cp.size)
    s.bulletin_sizes.push_back(cp.size);
  while (s.bulletin_sizes.size() > std::max<size_t>(1, s.options.keep_bulletins)) {
    batch.Remove(BulletinAtPath(s.bulletin_sizes.front()));
    batch.Remove(BulletinAtPath(s.bulletin_sizes.front()) + ".gz");
    s.bulletin_sizes.erase(s.bulletin_sizes.begin());
  }

  std::string csv;
  tally::WriteTableCsv(*s.tally, [&](std::string_view chunk) { csv.append(chunk); });
  ACTA_RETURN_IF_ERROR(batch.AddCompressible(kTablesCsv, csv));
  ACTA_RETURN_IF_ERROR(
      batch.AddCompressible(kCheckpoints, CheckpointListJson(list, UINT64_MAX, true)));
  ACTA_RETURN_IF_ERROR(
      batch.AddCompressible(kCheckpointsShort, CheckpointListJson(list, kCheckpointsShown, false)));

  ACTA_RETURN_IF_ERROR(AddReceiptKeys(s, batch, bytes_fetched));

  const Manifest& m = *s.manifest;

  // Arrivals of the country and the states (what the national page shows);
  // a source without them (404) is mirrored without them.
  for (size_t r = 0; r < m.regions.size(); ++r) {
    if (r != 0 && m.regions[r].parent != 0) continue;
    const std::string code = m.regions[r].code;
    auto got =
        s.client->Get("/v1/arrivals?region=" + code + "&top=" + std::to_string(kArrivalsTop));
    if (!got) return std::unexpected(got.error());
    if (got->status != 200) break;
    bytes_fetched += got->body.size();
    if (!json::accept(got->BodyText()))
      return MakeError(ErrorCode::kMalformed, "/v1/arrivals for " + code + " is not JSON");
    ACTA_RETURN_IF_ERROR(batch.AddCompressible(ArrivalsPath(code), std::move(got->body)));
  }

  if (!s.dashboard_written && !s.options.web_root.empty()) {
    ACTA_RETURN_IF_ERROR(AddDashboard(s.options.web_root, batch));
    s.dashboard_written = true;
  }
  return Ok();
}

}  // namespace acta::mirror::internal
