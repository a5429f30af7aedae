#include "tally/region_detail.h"

#include <nlohmann/json.hpp>

#include "tally/bulletin.h"

namespace acta::tally {

using nlohmann::json;

Result<std::string> RegionDetailJson(const Tally& tally, std::string_view code) {
  const int32_t region = tally.manifest().FindRegion(code);
  if (region < 0) return MakeError(ErrorCode::kNotFound, "no region \"" + std::string(code) + "\"");
  return RegionDetailJsonAt(tally, region);
}

Result<std::string> RegionDetailJsonAt(const Tally& tally, int32_t region) {
  auto body = RegionJsonAt(tally, region);
  if (!body) return body;
  const Manifest& manifest = tally.manifest();
  json path = json::array();
  for (int32_t r = manifest.regions[region].parent; r >= 0; r = manifest.regions[r].parent) {
    const Region& a = manifest.regions[r];
    path.insert(
        path.begin(),
        json{{"code", a.code}, {"name", a.name}, {"level", std::string(RegionLevelName(a.level))}});
  }
  // A voting center lists its few tables, so pages can link to them.
  json tables = json::array();
  for (uint32_t index : tally.TablesOf(region)) {
    json flags = json::array();
    for (auto name : TableFlagNames(tally.FlagsAt(index))) flags.push_back(std::string(name));
    tables.push_back({{"table", manifest.tables[index].id},
                      {"status", std::string(TableStateName(tally.StateAt(index)))},
                      {"flags", std::move(flags)},
                      {"registered", manifest.tables[index].registered}});
  }
  std::string out = std::move(*body);
  while (!out.empty() && (out.back() == '\n' || out.back() == '}')) {
    const bool brace = out.back() == '}';
    out.pop_back();
    if (brace) break;
  }
  out += ",\"path\":" + path.dump(-1, ' ', false, json::error_handler_t::replace);
  if (!tables.empty()) out += ",\"tables\":" + tables.dump();
  out += "}\n";
  return out;
}

}  // namespace acta::tally
