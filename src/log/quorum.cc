#include "log/quorum.h"

namespace acta::log {

Result<QuorumCheck> CheckQuorum(const Note& note, const SignerQuorum& quorum) {
  auto signers = VerifyNoteSigners(note, quorum.keys);
  if (!signers) return std::unexpected(signers.error());
  QuorumCheck out;
  out.signers = std::move(*signers);
  out.met = out.signers.size() >= quorum.threshold;
  return out;
}

}  // namespace acta::log
