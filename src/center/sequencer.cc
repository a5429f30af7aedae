#include "center/sequencer.h"

#include <spdlog/spdlog.h>

#include "log/signer_notes.h"

namespace acta::center {
namespace {

constexpr size_t kRecoveryChunk = 65536;
constexpr int kSequenceAttempts = 5;

ActaBody BodyOrEmpty(const store::AcceptedActa& row, uint64_t seq) {
  auto acta = DecodeActa(row.bytes);
  if (!acta) {
    // A stored row that no longer decodes: the tally records it as invalid.
    spdlog::error("log entry {}: stored acta does not decode: {}", seq, acta.error().ToString());
    return ActaBody{};
  }
  return std::move(acta->body);
}

}  // namespace

Sequencer::Sequencer(store::Store& store, LogState& state, NamedSigner key, const Clock& clock,
                     SequencerOptions options, store::SequencerLease* lease)
    : store_(store),
      state_(state),
      key_(std::move(key)),
      clock_(clock),
      options_(options),
      origin_(log::LogOrigin(state.manifest().election_id)),
      lease_(lease),
      leader_(lease == nullptr || lease->StillHeld()) {}

Sequencer::Sequencer(store::Store& store, LogState& state, const NamedSigningKey& key,
                     const Clock& clock, SequencerOptions options, store::SequencerLease* lease)
    : Sequencer(store, state, NamedSigner{key.name, nullptr}, clock, options, lease) {
  owned_signer_ = std::make_unique<MemorySigner>(key.key, "key " + key.name);
  key_.signer = owned_signer_.get();
}

Sequencer::~Sequencer() { Stop(); }

Result<PublishedCheckpoint> Sequencer::MakeCheckpoint(uint64_t size, const Hash256& root) {
  PublishedCheckpoint cp;
  cp.parsed.origin = origin_;
  cp.parsed.size = size;
  cp.parsed.root = root;
  cp.stored.size = size;
  cp.stored.root = root;
  auto note = log::SignCheckpointWith(cp.parsed, key_);
  if (!note) return std::unexpected(note.error());
  cp.stored.note = std::move(*note);
  cp.stored.created_at_ms = static_cast<uint64_t>(clock_.NowUnixMillis());
  return cp;
}

Status Sequencer::Recover() {
  std::lock_guard lock(mu_);
  auto count = store_.SequencedCount();
  if (!count) return std::unexpected(count.error());
  log::MerkleTree& tree = state_.mutable_tree();
  for (uint64_t from = 0; from < *count; from += kRecoveryChunk) {
    std::vector<Hash256> leaves;
    std::vector<ActaBody> bodies;
    uint64_t to = std::min<uint64_t>(*count, from + kRecoveryChunk);
    auto st = store_.ForEachSequenced(from, to, [&](const store::AcceptedActa& row) -> Status {
      if (LeafHashOf(row.bytes) != row.leaf_hash) {
        return MakeError(ErrorCode::kCorruption, "log entry " + std::to_string(*row.seq) +
                                                     ": stored bytes do not match its leaf hash");
      }
      leaves.push_back(row.leaf_hash);
      bodies.push_back(BodyOrEmpty(row, *row.seq));
      return Ok();
    });
    if (!st) return st;
    if (leaves.size() != to - from) {
      return MakeError(ErrorCode::kCorruption, "log entries " + std::to_string(from) + ".." +
                                                   std::to_string(to) +
                                                   " are not contiguous in the store");
    }
    tree.Append(leaves);
    state_.ApplyRecovered(bodies, leaves, from);
  }
  auto checkpoints = store_.ListCheckpoints();
  if (!checkpoints) return std::unexpected(checkpoints.error());
  // The count was read before the entries and the checkpoints: with other
  // nodes sequencing meanwhile (a restart under load), checkpoints past it
  // are normal, not corruption. They come in with the first Follow, which
  // checks them against the entries it then reads.
  std::erase_if(*checkpoints, [&](const store::StoredCheckpoint& cp) { return cp.size > *count; });
  for (const auto& cp : *checkpoints) {
    auto root = tree.RootAt(cp.size);
    if (!root || *root != cp.root) {
      return MakeError(ErrorCode::kCorruption,
                       "stored checkpoint of size " + std::to_string(cp.size) +
                           " does not match the tree rebuilt from the stored entries");
    }
  }
  // Nothing read here is published or signed over before a synchronous
  // standby holds it (a restarted primary shows commits that never reached
  // one).
  ACTA_RETURN_IF_ERROR(store_.ConfirmReplicated());
  if (!checkpoints->empty() && checkpoints->back().size == *count) {
    store::StoredCheckpoint last = checkpoints->back();
    checkpoints->pop_back();
    state_.RestoreHistory(std::move(*checkpoints));
    auto parsed = log::ParseCheckpointUnverified(last.note);
    if (!parsed)
      return MakeError(ErrorCode::kCorruption,
                       "latest stored checkpoint: " + parsed.error().message);
    state_.PublishOnly(PublishedCheckpoint{last, *parsed});
  } else {
    // No checkpoint yet (a new log), or entries past the last one: sign one
    // for the current tree so there is always a checkpoint to serve.
    state_.RestoreHistory(std::move(*checkpoints));
    auto cp = MakeCheckpoint(*count, tree.Root());
    if (!cp) return std::unexpected(cp.error());
    if (auto st = store_.AddCheckpoint(cp->stored); !st) return st;
    state_.PublishOnly(std::move(*cp));
  }
  spdlog::info("log recovered: {} entries, root {}", *count, HexEncode(tree.Root()));
  return Ok();
}

Result<size_t> Sequencer::SequencePending(size_t max_entries) {
  std::lock_guard lock(mu_);
  if (!healthy_)
    return MakeError(ErrorCode::kFailedPrecondition, "sequencer stopped after a store failure");
  if (!leader_)
    return MakeError(ErrorCode::kFailedPrecondition, "this node does not hold the sequencer lease");
  if (lease_ != nullptr && !lease_->StillHeld()) {
    leader_ = false;
    spdlog::warn("sequencer lease lost ({}): following", lease_->Describe());
    return MakeError(ErrorCode::kFailedPrecondition, "sequencer lease lost");
  }
  // Another node may have sequenced since we last looked.
  if (auto followed = FollowLocked(); !followed) return std::unexpected(followed.error());
  // Entries the store holds past every checkpoint (this node's own batch
  // whose answer was lost, or a leader that died between sequencing and
  // checkpointing) get their checkpoint before anything new is sequenced.
  if (auto adopted = AdoptUncheckpointed(); !adopted) return std::unexpected(adopted.error());
  auto rows = store_.LoadUnsequenced(std::min(max_entries, options_.batch_size));
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return 0;
  std::vector<Hash256> leaves;
  std::vector<ActaBody> bodies;
  leaves.reserve(rows->size());
  bodies.reserve(rows->size());
  log::MerkleTree& tree = state_.mutable_tree();
  const uint64_t first = tree.size();
  for (size_t i = 0; i < rows->size(); ++i) {
    leaves.push_back((*rows)[i].leaf_hash);
    bodies.push_back(BodyOrEmpty((*rows)[i], first + i));
  }
  const store::TreeHead before{first, tree.Root()};
  tree.Append(leaves);
  const store::TreeHead after{tree.size(), tree.Root()};
  Status st;
  for (int attempt = 1; attempt <= kSequenceAttempts; ++attempt) {
    st = store_.SequenceFenced(before, leaves, after);
    if (st || st.error().code == ErrorCode::kFailedPrecondition) break;
    spdlog::warn("sequencer: storing batch at {} failed (attempt {}): {}", first, attempt,
                 st.error().ToString());
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
  if (st) {
    // The entries are in the store (and, replicated, on a synchronous
    // standby): only now is a checkpoint signed over them.
    st = CheckpointAndPublish(bodies, leaves, first);
    if (st) {
      ++batches_;
      return rows->size();
    }
  }
  // Not stored, or stored without a checkpoint: take the batch out of the
  // tree again, so the tree never runs ahead of what is checkpointed.
  // kFailedPrecondition means the store's head is not this tree's (another
  // node sequenced first, or an earlier attempt whose answer was lost did
  // commit): the next round follows or adopts it. Anything else is a store
  // failure.
  tree.Truncate(first);
  if (st.error().code != ErrorCode::kFailedPrecondition) {
    spdlog::error("sequencer: cannot store batch at {}: {}", first, st.error().ToString());
  }
  return std::unexpected(st.error());
}

Status Sequencer::CheckpointAndPublish(std::span<const ActaBody> bodies,
                                       std::span<const Hash256> leaves, uint64_t first) {
  const log::MerkleTree& tree = state_.tree();
  auto cp = MakeCheckpoint(tree.size(), tree.Root());
  if (!cp) return std::unexpected(cp.error());
  ACTA_RETURN_IF_ERROR(store_.AddCheckpoint(cp->stored));
  state_.ApplyAndPublish(bodies, leaves, first, std::move(*cp));
  return Ok();
}

Result<uint64_t> Sequencer::AdoptUncheckpointed() {
  auto count = store_.SequencedCount();
  if (!count) return std::unexpected(count.error());
  log::MerkleTree& tree = state_.mutable_tree();
  const uint64_t first = tree.size();
  if (*count <= first) return 0;
  std::vector<Hash256> leaves;
  std::vector<ActaBody> bodies;
  ACTA_RETURN_IF_ERROR(
      store_.ForEachSequenced(first, *count, [&](const store::AcceptedActa& row) -> Status {
        leaves.push_back(row.leaf_hash);
        bodies.push_back(BodyOrEmpty(row, *row.seq));
        return Ok();
      }));
  if (leaves.size() != *count - first) {
    return MakeError(ErrorCode::kUnavailable, "entries " + std::to_string(first) + ".." +
                                                  std::to_string(*count) +
                                                  " are not all visible yet");
  }
  // What was read may be visible on this primary without being on any
  // standby (a commit whose answer was lost): sign nothing over it until a
  // synchronous standby holds it.
  ACTA_RETURN_IF_ERROR(store_.ConfirmReplicated());
  tree.Append(leaves);
  if (auto st = CheckpointAndPublish(bodies, leaves, first); !st) {
    tree.Truncate(first);
    return std::unexpected(st.error());
  }
  spdlog::info("sequencer: checkpointed {} entries {}..{} stored without a checkpoint",
               leaves.size(), first, *count);
  return leaves.size();
}

Result<uint64_t> Sequencer::Follow() {
  std::lock_guard lock(mu_);
  return FollowLocked();
}

Result<uint64_t> Sequencer::FollowLocked() {
  if (!healthy_)
    return MakeError(ErrorCode::kFailedPrecondition, "sequencer stopped after a store failure");
  auto count = store_.SequencedCount();
  if (!count) return std::unexpected(count.error());
  log::MerkleTree& tree = state_.mutable_tree();
  const uint64_t start = tree.size();
  if (*count <= start) return 0;
  auto checkpoints = store_.ListCheckpoints();
  if (!checkpoints) return std::unexpected(checkpoints.error());
  // A checkpoint visible on this primary may not be on any standby yet (its
  // writer's commit is still waiting, or its answer was lost): publish none
  // until a synchronous standby holds everything read so far. The entries
  // of each listed checkpoint were committed before it, so are covered too.
  ACTA_RETURN_IF_ERROR(store_.ConfirmReplicated());
  for (const store::StoredCheckpoint& cp : *checkpoints) {
    if (cp.size <= tree.size()) continue;
    const uint64_t first = tree.size();
    std::vector<Hash256> leaves;
    std::vector<ActaBody> bodies;
    auto st =
        store_.ForEachSequenced(first, cp.size, [&](const store::AcceptedActa& row) -> Status {
          leaves.push_back(row.leaf_hash);
          bodies.push_back(BodyOrEmpty(row, *row.seq));
          return Ok();
        });
    if (!st) return std::unexpected(st.error());
    if (leaves.size() != cp.size - first) {
      return MakeError(
          ErrorCode::kUnavailable,
          "entries up to checkpoint " + std::to_string(cp.size) + " are not all visible yet");
    }
    tree.Append(leaves);
    if (tree.Root() != cp.root) {
      tree.Truncate(first);
      healthy_ = false;
      spdlog::critical(
          "stored checkpoint of size {} does not match the stored entries: not serving it",
          cp.size);
      return MakeError(ErrorCode::kCorruption, "stored checkpoint of size " +
                                                   std::to_string(cp.size) +
                                                   " does not match the stored entries");
    }
    auto parsed = log::ParseCheckpointUnverified(cp.note);
    if (!parsed)
      return MakeError(ErrorCode::kCorruption, "stored checkpoint note: " + parsed.error().message);
    state_.ApplyAndPublish(bodies, leaves, first, PublishedCheckpoint{cp, *parsed});
  }
  return tree.size() - start;
}

void Sequencer::Step() {
  if (lease_ != nullptr && !leader_) {
    auto got = lease_->TryAcquire();
    if (got && *got) {
      leader_ = true;
      spdlog::info("this node now sequences the log ({})", lease_->Describe());
    }
  }
  if (auto f = Follow(); !f && f.error().code != ErrorCode::kFailedPrecondition) {
    spdlog::warn("following the log: {}", f.error().ToString());
  }
  if (!leader_) return;
  for (;;) {
    auto n = SequencePending(options_.batch_size);
    if (!n || *n < options_.batch_size) break;
  }
}

void Sequencer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Sequencer::Notify() {
  bool wake;
  {
    std::lock_guard lock(wake_mu_);
    ++pending_hint_;
    wake = pending_hint_ == 1 || pending_hint_ >= options_.batch_size;
  }
  if (wake) wake_cv_.notify_one();
}

void Sequencer::Run() {
  std::unique_lock lock(wake_mu_);
  while (!stopping_) {
    wake_cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || pending_hint_ > 0; });
    if (stopping_) break;
    if (pending_hint_ > 0 && pending_hint_ < options_.batch_size) {
      // Let the batch fill, up to batch_delay.
      wake_cv_.wait_for(lock, options_.batch_delay,
                        [&] { return stopping_ || pending_hint_ >= options_.batch_size; });
    }
    pending_hint_ = 0;
    lock.unlock();
    Step();
    lock.lock();
  }
}

void Sequencer::Stop() {
  {
    std::lock_guard lock(wake_mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Final drain: everything accepted before shutdown gets into a checkpoint.
  if (leader_) {
    for (;;) {
      auto n = SequencePending(options_.batch_size);
      if (!n || *n == 0) break;
    }
  }
  if (lease_ != nullptr && leader_) {
    lease_->Release();
    leader_ = false;
  }
}

}  // namespace acta::center
