#include "verify/monitor_evidence.h"

#include <filesystem>

#include "log/checkpoint.h"
#include "log/tiles.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify {

using nlohmann::json;

Status WriteEvidence(const std::string& dir, const Files& held, const Evidence& evidence,
                     const json& alarm) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir + ": " + ec.message());
  DirectoryFiles out(dir);
  for (const char* name : {kManifestJson, kTablesBin, kManifestSig}) {
    auto data = held.Read(name);
    if (!data) return std::unexpected(data.error());
    ACTA_RETURN_IF_ERROR(out.Write(name, *data));
  }
  Report scratch;
  std::vector<Bytes> entries = internal::LoadEntries(held, evidence.entries, scratch);
  if (!evidence.served.empty()) {
    entries.resize(std::min<uint64_t>(entries.size(), evidence.served_from));
    entries.insert(entries.end(), evidence.served.begin(), evidence.served.end());
  }
  for (const auto& tile : EntryBundlesFor(entries.size())) {
    const uint64_t from = tile.index * log::kTileWidth;
    std::vector<Bytes> part(entries.begin() + static_cast<ptrdiff_t>(from),
                            entries.begin() + static_cast<ptrdiff_t>(from + tile.width));
    auto bundle = log::EncodeEntryBundle(part);
    if (!bundle) return std::unexpected(bundle.error());
    ACTA_RETURN_IF_ERROR(out.Write(log::TilePath(tile), *bundle));
  }
  ACTA_RETURN_IF_ERROR(out.Write(kLatestCheckpoint, AsBytes(evidence.pinned_note)));
  json list = json::array();
  uint64_t pinned_size = 0;
  for (const auto& [note, created_at_ms] : evidence.listed) {
    if (note.empty()) continue;
    auto cp = log::ParseCheckpointUnverified(note);
    json item = {{"size", cp ? cp->size : 0},
                 {"root", cp ? HexEncode(cp->root) : std::string(64, '0')},
                 {"created_at_ms", created_at_ms},
                 {"note", note}};
    list.push_back(std::move(item));
    if (note == evidence.pinned_note && cp) pinned_size = cp->size;
  }
  ACTA_RETURN_IF_ERROR(out.Write(kCheckpointsJson, AsBytes(list.dump() + "\n")));
  for (const auto& [path, data] : evidence.files) ACTA_RETURN_IF_ERROR(out.Write(path, data));
  // No table CSV: the monitor does not keep the center's.
  json meta = {{"format", kDumpFormat},
               {"center", "acta monitor evidence"},
               {"latest_size", pinned_size},
               {"tables_csv_size", nullptr}};
  ACTA_RETURN_IF_ERROR(out.Write(kDumpJson, AsBytes(meta.dump(1) + "\n")));
  ACTA_RETURN_IF_ERROR(out.Write("evidence.json", AsBytes(alarm.dump(1) + "\n")));
  return WriteChecksums(out);
}

}  // namespace acta::verify
