#include "center/witness_api.h"

#include <nlohmann/json.hpp>

namespace acta::center {

std::string WitnessesJson(const Manifest& manifest, const CosignatureCollector* collector,
                          uint64_t size) {
  using nlohmann::json;
  std::vector<WitnessStatus> status;
  std::vector<size_t> cosigners;
  if (collector != nullptr) {
    status = collector->Status();
    cosigners = collector->CosignersOf(size);
  }
  json list = json::array();
  for (size_t i = 0; i < manifest.witnesses.size(); ++i) {
    const auto& w = manifest.witnesses[i];
    list.push_back({{"name", w.name},
                    {"vkey", w.key.ToString()},
                    {"url", w.url},
                    {"cosigned_size", i < status.size() ? status[i].cosigned_size : 0}});
  }
  json by = json::array();
  for (size_t i : cosigners) by.push_back(manifest.witnesses[i].name);
  json out = {{"quorum", manifest.witness_quorum},
              {"witnesses", std::move(list)},
              {"size", size},
              {"cosigned_by", std::move(by)},
              {"quorum_met", cosigners.size() >= manifest.witness_quorum}};
  return out.dump() + "\n";
}

}  // namespace acta::center
