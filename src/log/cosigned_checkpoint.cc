#include "log/cosigned_checkpoint.h"

namespace acta::log {

Result<CosignedCheckpoint> VerifyCosignedCheckpoint(std::string_view note,
                                                    std::span<const VerifierKey> log_keys,
                                                    std::string_view expected_origin,
                                                    const SignerQuorum& witnesses) {
  auto parsed = ParseNote(note);
  if (!parsed) return std::unexpected(parsed.error());
  auto checkpoint = ParseCheckpointText(parsed->text);
  if (!checkpoint) return std::unexpected(checkpoint.error());
  // Log keys are plain Ed25519 keys by their type, so a cosignature can
  // never pass for the log's own signature.
  std::vector<NoteKey> keys;
  for (const VerifierKey& k : log_keys) keys.push_back(NoteKey::Of(k));
  auto log_signers = VerifyNoteSigners(*parsed, keys);
  if (!log_signers) return std::unexpected(log_signers.error());
  if (log_signers->empty()) {
    return MakeError(ErrorCode::kBadSignature, "checkpoint: no signature by a log key");
  }
  if (checkpoint->origin != expected_origin) {
    return MakeError(ErrorCode::kWrongElection, "checkpoint: origin \"" + checkpoint->origin +
                                                    "\" is not \"" + std::string(expected_origin) +
                                                    "\"");
  }
  auto cosigned = CheckQuorum(*parsed, witnesses);
  if (!cosigned) return std::unexpected(cosigned.error());
  CosignedCheckpoint out;
  out.checkpoint = std::move(*checkpoint);
  out.log_key = log_signers->front().key;
  out.witnesses = std::move(cosigned->signers);
  out.quorum = cosigned->met;
  return out;
}

SignerQuorum WitnessQuorum(const Manifest& manifest) {
  SignerQuorum q;
  for (const ManifestWitness& w : manifest.witnesses) q.keys.push_back(NoteKey::Of(w.key));
  q.threshold = manifest.witness_quorum;
  return q;
}

Result<CosignedCheckpoint> VerifyCheckpointForManifest(std::string_view note,
                                                       const Manifest& manifest) {
  return VerifyCosignedCheckpoint(note, manifest.centers, LogOrigin(manifest.election_id),
                                  WitnessQuorum(manifest));
}

}  // namespace acta::log
