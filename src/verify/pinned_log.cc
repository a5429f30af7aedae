#include "verify/pinned_log.h"

#include <algorithm>

#include "core/bytes.h"
#include "log/merkle.h"
#include "verify/internal/checks.h"

namespace acta::verify {

Result<PinnedLog> LoadPinnedLog(const Files& files, uint64_t size) {
  Report scratch;
  auto manifest = internal::CheckManifest(files, {}, scratch);
  if (!manifest) {
    const Problem& p = scratch.problems.front();
    return MakeError(p.code.value_or(ErrorCode::kMalformed), p.message);
  }
  PinnedLog out;
  out.manifest = std::make_unique<Manifest>(std::move(*manifest));
  auto checkpoints = internal::CheckCheckpoints(files, *out.manifest, scratch);
  uint64_t latest = 0;
  std::string sizes;
  const internal::PublishedCp* pinned = nullptr;
  for (const auto& cp : checkpoints) {
    latest = std::max(latest, cp.size);
    if (!cp.signed_ok) continue;
    if (cp.size == size) pinned = &cp;
    if (sizes.size() < 200) sizes += (sizes.empty() ? "" : ", ") + std::to_string(cp.size);
  }
  if (pinned == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     "no validly signed checkpoint of size " + std::to_string(size) +
                         " is published (sizes: " + (sizes.empty() ? "none" : sizes) + ")");
  }
  auto cp = internal::VerifyCenterCheckpoint(pinned->note, *out.manifest);
  if (!cp) return std::unexpected(cp.error());
  out.checkpoint = *cp;
  out.note = pinned->note;

  // The bundles on file cover the latest size; the pinned prefix is read
  // from them.
  auto entries = internal::LoadEntries(files, latest, scratch);
  if (entries.size() < size) {
    return MakeError(ErrorCode::kNotFound, "the files hold " + std::to_string(entries.size()) +
                                               " entries, not the checkpoint's " +
                                               std::to_string(size));
  }
  entries.resize(size);
  std::vector<Hash256> leaves;
  leaves.reserve(size);
  for (const Bytes& e : entries) leaves.push_back(LeafHashOf(e));
  const Hash256 root = log::MerkleTree::FromLeafHashes(leaves).Root();
  if (root != out.checkpoint.root) {
    return MakeError(ErrorCode::kCorruption, "the entries [0, " + std::to_string(size) +
                                                 ") hash to root " + HexEncode(root) +
                                                 ", not the checkpoint's " +
                                                 HexEncode(out.checkpoint.root));
  }
  auto tally = tally::Tally::Create(*out.manifest);
  if (!tally) return std::unexpected(tally.error());
  out.tally = std::make_unique<tally::Tally>(std::move(*tally));
  for (uint64_t i = 0; i < size; ++i) {
    auto acta = DecodeActa(entries[i]);
    (void)out.tally->Apply(acta ? acta->body : ActaBody{}, i, leaves[i]);
  }
  return out;
}

}  // namespace acta::verify
