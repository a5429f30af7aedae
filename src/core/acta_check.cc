#include "core/acta_check.h"

namespace acta {

Result<const TableRecord*> CheckActaAgainstManifest(const Acta& acta, const Manifest& manifest) {
  const ActaBody& b = acta.body;
  if (b.election_id != manifest.election_id) {
    return MakeError(ErrorCode::kWrongElection,
                     "acta is for election " + HexEncode(b.election_id).substr(0, 16) + "…, not " +
                         HexEncode(manifest.election_id).substr(0, 16) + "…");
  }
  const TableRecord* table = manifest.FindTable(b.table_id);
  if (table == nullptr) {
    return MakeError(ErrorCode::kUnknownTable,
                     "table " + std::to_string(b.table_id) + " is not in the manifest");
  }
  if (b.contests.size() != manifest.contests.size()) {
    return MakeError(ErrorCode::kMalformed, "acta has " + std::to_string(b.contests.size()) +
                                                " contests, the manifest " +
                                                std::to_string(manifest.contests.size()));
  }
  for (size_t i = 0; i < b.contests.size(); ++i) {
    size_t want = manifest.contests[i].candidates.size();
    if (b.contests[i].candidates.size() != want) {
      return MakeError(ErrorCode::kMalformed, "contest " + manifest.contests[i].id + " has " +
                                                  std::to_string(b.contests[i].candidates.size()) +
                                                  " candidates in the acta, " +
                                                  std::to_string(want) + " in the manifest");
    }
  }
  return table;
}

Result<const TableRecord*> VerifyActa(const Acta& acta, const Manifest& manifest) {
  auto table = CheckActaAgainstManifest(acta, manifest);
  if (!table) return table;
  if (!acta.VerifySignature((*table)->key)) {
    return MakeError(ErrorCode::kBadSignature, "signature of table " +
                                                   std::to_string(acta.body.table_id) +
                                                   " does not verify with its machine key");
  }
  return table;
}

}  // namespace acta
