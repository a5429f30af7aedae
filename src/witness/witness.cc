#include "witness/witness.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/crypto.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/hasher.h"
#include "log/note.h"
#include "log/proof.h"
#include "log/signer_notes.h"
#include "witness/add_checkpoint.h"

namespace acta::witness {
namespace {

WitnessAnswer Answer(int status, std::string body) {
  return WitnessAnswer{status, "text/plain; charset=utf-8", std::move(body) + "\n"};
}

}  // namespace

Witness::Witness(NamedCosignerKey key, std::vector<FollowedLog> logs, WitnessState& state,
                 const Clock& clock)
    : Witness(key.name, std::make_shared<MemorySigner>(key.key, "key " + key.name), std::move(logs),
              state, clock) {}

Witness::Witness(std::string name, std::shared_ptr<const Signer> signer,
                 std::vector<FollowedLog> logs, WitnessState& state, const Clock& clock)
    : name_(std::move(name)),
      signer_(std::move(signer)),
      verifier_(CosignerKey::From(name_, signer_->public_key())),
      logs_(std::move(logs)),
      state_(state),
      clock_(clock) {}

const FollowedLog* Witness::FindLog(std::string_view origin) const {
  for (const auto& log : logs_) {
    if (log.origin == origin) return &log;
  }
  return nullptr;
}

WitnessCounters Witness::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

WitnessAnswer Witness::AddCheckpoint(std::string_view body) {
  std::lock_guard lock(mu_);
  WitnessAnswer answer = Add(body);
  if (answer.status == 200) {
    ++counters_.cosigned;
  } else if (answer.status >= 500) {
    ++counters_.failed;
  } else {
    ++counters_.refused;
    if (answer.status == 409) ++counters_.conflicts;
    if (answer.status == 422) ++counters_.inconsistent;
  }
  return answer;
}

void Witness::Refuse422(const std::string& origin, std::string_view why, std::string_view note) {
  // The checkpoint is validly signed by the log: keep it, it may prove a
  // split view. Bounded per log; failing to keep it changes no answer.
  auto count = state_.EvidenceCount(origin);
  if (count && *count < kMaxEvidencePerLog) {
    if (auto kept = state_.KeepEvidence(origin, why, note, clock_.NowUnixSeconds()); !kept) {
      spdlog::warn("witness: could not keep evidence for {}: {}", origin, kept.error().message);
    }
  }
  spdlog::warn("witness: refused a checkpoint of {}: {}", origin, why);
}

WitnessAnswer Witness::Add(std::string_view body) {
  auto request = ParseAddCheckpoint(body);
  if (!request) return Answer(400, request.error().message);
  auto note = log::ParseNote(request->checkpoint);
  if (!note) return Answer(400, note.error().message);
  auto checkpoint = log::ParseCheckpointText(note->text);
  if (!checkpoint) return Answer(400, checkpoint.error().message);
  const FollowedLog* followed = FindLog(checkpoint->origin);
  if (followed == nullptr) return Answer(404, "unknown log origin \"" + checkpoint->origin + "\"");
  std::vector<log::NoteKey> keys;
  for (const VerifierKey& k : followed->keys) keys.push_back(log::NoteKey::Of(k));
  auto signers = log::VerifyNoteSigners(*note, keys);
  if (!signers) return Answer(403, signers.error().message);
  if (signers->empty()) {
    return Answer(403, "no signature by a key this witness trusts for " + checkpoint->origin);
  }
  if (request->old_size > checkpoint->size) {
    return Answer(400, "old size " + std::to_string(request->old_size) +
                           " is above the checkpoint size " + std::to_string(checkpoint->size));
  }

  auto latest = state_.Latest(checkpoint->origin);
  if (!latest) {
    spdlog::error("witness: reading state: {}", latest.error().message);
    return Answer(500, "the witness could not read its state");
  }
  const uint64_t latest_size = *latest ? (*latest)->size : 0;
  if (request->old_size != latest_size) {
    return WitnessAnswer{409, "text/x.tlog.size", FormatTreeSize(latest_size)};
  }
  if (checkpoint->size == 0 && checkpoint->root != log::EmptyTreeHash()) {
    Refuse422(checkpoint->origin, "size 0 with a root other than the empty tree's",
              request->checkpoint);
    return Answer(422, "a checkpoint of size 0 must have the empty tree's root");
  }
  if (request->old_size == 0 && !request->proof.empty()) {
    return Answer(422, "a proof from size 0 must be empty");
  }
  if (request->old_size > 0) {
    const Hash256& old_root = (*latest)->root;
    if (request->old_size == checkpoint->size && old_root != checkpoint->root) {
      Refuse422(checkpoint->origin, "a second root for size " + std::to_string(checkpoint->size),
                request->checkpoint);
      return Answer(422, "a different root for size " + std::to_string(checkpoint->size) +
                             " than the one this witness cosigned");
    }
    if (auto consistent = log::VerifyConsistency(request->old_size, checkpoint->size,
                                                 request->proof, old_root, checkpoint->root);
        !consistent) {
      Refuse422(checkpoint->origin, "inconsistent: " + consistent.error().message,
                request->checkpoint);
      return Answer(422, "the consistency proof from size " + std::to_string(request->old_size) +
                             " does not verify: " + consistent.error().message);
    }
  }

  const uint64_t now = static_cast<uint64_t>(std::max<int64_t>(clock_.NowUnixSeconds(), 1));
  auto cosig = log::CosignWith(note->text, name_, *signer_, now);
  if (!cosig) return Answer(500, cosig.error().message);
  // What GET .../checkpoint serves: the log's verified signatures and ours.
  log::Note kept{note->text, {}};
  for (const auto& sig : note->signatures) {
    for (const auto& s : *signers) {
      const VerifierKey& k = followed->keys[s.key];
      if (sig.name == k.name && sig.key_id == k.key_id) {
        kept.signatures.push_back(sig);
        break;
      }
    }
  }
  kept.signatures.push_back(*cosig);
  CosignedRecord record{checkpoint->size, checkpoint->root, log::FormatNote(kept), now};
  if (auto stored = state_.Store(checkpoint->origin, record); !stored) {
    spdlog::error("witness: storing the checkpoint of {}: {}", checkpoint->origin,
                  stored.error().message);
    return Answer(500, "the witness could not make its state durable; nothing was cosigned");
  }
  return WitnessAnswer{200, "text/plain; charset=utf-8", log::FormatNoteSignature(*cosig)};
}

WitnessAnswer Witness::LatestCheckpoint(std::string_view origin_hash) {
  std::lock_guard lock(mu_);
  for (const auto& log : logs_) {
    if (HexEncode(Sha256(AsBytes(log.origin))) != origin_hash) continue;
    auto latest = state_.Latest(log.origin);
    if (!latest) return Answer(500, "the witness could not read its state");
    if (!*latest) return Answer(404, "no checkpoint of this log cosigned yet");
    return WitnessAnswer{200, "text/plain; charset=utf-8", (*latest)->note};
  }
  return Answer(404, "unknown log");
}

}  // namespace acta::witness
