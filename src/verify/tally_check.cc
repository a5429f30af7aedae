// Recomputes the tally in log order, exactly as a center applies entries
// (an entry that does not decode is applied as an empty body, which the
// tally counts as invalid), and compares every published number with it.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/strict_json.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"
#include "verify/json_diff.h"

namespace acta::verify::internal {
namespace {

using nlohmann::json;

// Sizes of bulletin/<size>.json files in the dump.
std::map<uint64_t, std::string> BulletinFiles(const Files& files) {
  std::map<uint64_t, std::string> out;
  for (const auto& path : files.List()) {
    if (!path.starts_with("bulletin/") || !path.ends_with(".json")) continue;
    std::string_view digits(path);
    digits = digits.substr(9, digits.size() - 9 - 5);
    if (digits.empty() || digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(), ::isdigit))
      continue;
    if (digits.size() > 1 && digits[0] == '0') continue;
    out[std::stoull(std::string(digits))] = path;
  }
  return out;
}

// The size tables.csv describes: dump.json's tables_csv_size, else the
// latest; nullopt when dump.json says the dump holds no CSV (null: a dump
// pinned below the checkpoint the center's CSV describes).
std::optional<uint64_t> CsvSize(const Files& files, uint64_t latest) {
  auto data = files.Read(kDumpJson);
  if (!data) return latest;
  json j = json::parse(AsChars(*data), nullptr, false);
  if (!j.is_object() || !j.contains("tables_csv_size")) return latest;
  if (j["tables_csv_size"].is_null()) return std::nullopt;
  if (!j["tables_csv_size"].is_number_unsigned()) return latest;
  return j["tables_csv_size"].get<uint64_t>();
}

std::string Clip(std::string_view s) {
  return s.size() > 160 ? std::string(s.substr(0, 157)) + "..." : std::string(s);
}

void CompareBulletin(const std::string& path, const std::string& published,
                     const std::string& expected, const PublishedCp& cp, Report& report) {
  if (published == expected) return;
  auto diff = FirstJsonDifference(published, expected);
  Problem p{ProblemKind::kBulletin, "", {}, {}, cp.size, path, {}};
  if (!diff) {
    p.message = "same JSON values but not the same bytes as the recomputed bulletin";
  } else {
    p.message = "bulletin of checkpoint size " + std::to_string(cp.size) + ": " +
                (diff->path.empty() ? std::string("the file") : diff->path) + " is " +
                diff->published + ", recomputed " + diff->expected;
    p.where = path + ": " + diff->path;
    // "flags[1234]..." names a table.
    if (diff->path.starts_with("flags[")) {
      auto close = diff->path.find(']');
      auto id = diff->path.substr(6, close - 6);
      if (!id.empty() && std::all_of(id.begin(), id.end(), ::isdigit) && id.size() < 11) {
        p.table = static_cast<uint32_t>(std::stoull(id));
      }
    }
  }
  report.Add(std::move(p));
}

// Tables the published bulletin should flag as conflicts but does not.
void CheckConflictFlags(const std::string& path, const std::string& published, uint64_t size,
                        std::span<const ConflictPair> conflicts, Report& report) {
  json b = json::parse(published, nullptr, false);
  std::map<uint32_t, bool> flagged;  // listed tables -> has "conflict"
  bool truncated = true;
  uint32_t last_listed = 0;
  try {
    const json& flags = b.at("flags");
    for (const auto& f : flags) {
      const uint32_t t = JsonInteger<uint32_t>(f.at("table"));
      const auto& names = f.at("flags");
      flagged[t] = std::find(names.begin(), names.end(), "conflict") != names.end();
      last_listed = std::max(last_listed, t);
    }
    truncated = flags.size() < JsonInteger<uint64_t>(b.at("flags_total"));
  } catch (const std::exception&) {
    // An unreadable flags list: every conflict below counts as unflagged.
    truncated = false;
  }
  for (const auto& c : conflicts) {
    if (c.second >= size) continue;
    if (truncated && c.table > last_listed) continue;  // beyond the listed tables
    auto it = flagged.find(c.table);
    if (it != flagged.end() && it->second) continue;
    report.Add({ProblemKind::kConflictNotFlagged,
                "table " + std::to_string(c.table) +
                    " has two different validly signed actas (entries " + std::to_string(c.first) +
                    " and " + std::to_string(c.second) +
                    ") but the bulletin does not flag it as a conflict",
                c.second, c.table, size, path, ErrorCode::kConflict});
  }
}

void CompareCsv(const std::string& published, const std::string& expected, const Manifest& manifest,
                uint64_t size, Report& report) {
  if (published == expected) return;
  size_t line = 0, pos_p = 0, pos_e = 0;
  for (;;) {
    size_t end_p = published.find('\n', pos_p), end_e = expected.find('\n', pos_e);
    std::string_view lp = std::string_view(published).substr(
        pos_p, end_p == std::string::npos ? std::string::npos : end_p - pos_p);
    std::string_view le = std::string_view(expected).substr(
        pos_e, end_e == std::string::npos ? std::string::npos : end_e - pos_e);
    if (lp != le || end_p == std::string::npos || end_e == std::string::npos) {
      std::optional<uint32_t> table;
      if (line >= 1 && line - 1 < manifest.tables.size()) table = manifest.tables[line - 1].id;
      report.Add({ProblemKind::kCsv,
                  "line " + std::to_string(line + 1) + " is \"" + Clip(lp) + "\", recomputed \"" +
                      Clip(le) + "\"",
                  {},
                  table,
                  size,
                  std::string(kTablesCsv) + ":" + std::to_string(line + 1),
                  {}});
      return;
    }
    pos_p = end_p + 1;
    pos_e = end_e + 1;
    ++line;
  }
}

}  // namespace

void CheckTally(const Files& files, const Manifest& manifest, std::span<const EntryInfo> infos,
                std::span<const ConflictPair> conflicts, std::span<const PublishedCp> checkpoints,
                const VerifyOptions& options, Report& report) {
  auto tally = tally::Tally::Create(manifest);
  if (!tally) {
    report.Add({ProblemKind::kManifest,
                "cannot build a tally: " + tally.error().message,
                {},
                {},
                {},
                {},
                tally.error().code});
    return;
  }
  const auto bulletins = BulletinFiles(files);
  const std::optional<uint64_t> csv_size = CsvSize(files, report.latest_size);
  std::set<uint64_t> stops;
  for (const auto& [size, path] : bulletins) stops.insert(size);
  if (csv_size) stops.insert(*csv_size);
  const uint64_t latest = std::min<uint64_t>(report.latest_size, infos.size());
  stops.insert(latest);

  uint64_t applied = 0;
  auto apply_to = [&](uint64_t size) {
    for (; applied < size; ++applied) {
      const EntryInfo& e = infos[applied];
      auto outcome = tally->Apply(e.decoded ? e.body : ActaBody{}, applied, e.leaf);
      (void)outcome;  // invalid entries are counted by the tally, as in the center
      if (options.progress && applied % 4096 == 0) options.progress("tally", applied, infos.size());
    }
  };
  for (uint64_t size : stops) {
    if (size > infos.size()) {
      if (bulletins.contains(size)) {
        report.Add({ProblemKind::kBulletin,
                    "a bulletin for size " + std::to_string(size) + " but the log serves only " +
                        std::to_string(infos.size()) + " entries",
                    {},
                    {},
                    size,
                    bulletins.at(size),
                    {}});
      }
      continue;
    }
    apply_to(size);
    if (size == latest) {
      const tally::RegionTotals national = tally->Totals(0);
      report.tables_counted = national.tables_counted;
      report.tables_conflicted = national.tables_conflicted;
    }
    if (auto it = bulletins.find(size); it != bulletins.end()) {
      // The center ties a bulletin to the last checkpoint of that size.
      const PublishedCp* cp = nullptr;
      for (const auto& c : checkpoints) {
        if (c.parsed && c.size == size && (cp == nullptr || !c.latest_file_only)) cp = &c;
      }
      auto data = files.Read(it->second);
      if (cp == nullptr) {
        report.Add({ProblemKind::kBulletin,
                    "no published checkpoint has size " + std::to_string(size),
                    {},
                    {},
                    size,
                    it->second,
                    {}});
      } else if (data) {
        auto expected =
            tally::BuildBulletin(*tally, {cp->size, cp->root}, cp->created_at_ms / 1000);
        if (expected) {
          const std::string published(AsChars(*data));
          CompareBulletin(it->second, published, *expected, *cp, report);
          CheckConflictFlags(it->second, published, size, conflicts, report);
          ++report.bulletins;
        }
      }
    }
    if (size == csv_size) {
      if (auto data = files.Read(kTablesCsv); data) {
        CompareCsv(std::string(AsChars(*data)), tally::TableCsv(*tally), manifest, size, report);
        report.csv_compared = true;
      } else {
        report.Add({ProblemKind::kMissingFile,
                    data.error().message,
                    {},
                    {},
                    size,
                    kTablesCsv,
                    data.error().code});
      }
    }
  }
  if (bulletins.empty()) {
    report.Add({ProblemKind::kMissingFile,
                "the dump has no bulletin",
                {},
                {},
                {},
                "bulletin/",
                ErrorCode::kNotFound});
  }
}

}  // namespace acta::verify::internal
