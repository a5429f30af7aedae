// What the public side of a center reads: the Merkle tree, the tally and
// the latest checkpoint, always mutually consistent. The sequencer is the
// only writer; readers take a snapshot under a shared lock.
//
// Invariant: after every Publish, tree.size() == tally.log_size() ==
// latest checkpoint size, so every published number (bulletin, proof, tile)
// belongs to the checkpoint served beside it.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "core/manifest.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "store/store.h"
#include "tally/tally.h"

namespace acta::center {

struct PublishedCheckpoint {
  store::StoredCheckpoint stored;
  log::Checkpoint parsed;
};

class LogState {
 public:
  // REQUIRES: manifest outlives this object.
  static Result<std::unique_ptr<LogState>> Create(const Manifest& manifest);

  const Manifest& manifest() const { return manifest_; }
  // Thread-safe (MerkleTree locks internally); may run ahead of the latest
  // checkpoint while the sequencer is between Append and Publish.
  const log::MerkleTree& tree() const { return tree_; }

  // Writer side (sequencer only). First AppendLeaves (the tree may then run
  // ahead of the published checkpoint; servers only read it at checkpoint
  // sizes), then, once the checkpoint is durable, ApplyAndPublish applies the
  // bodies to the tally and publishes the checkpoint in one step under the
  // exclusive lock, so readers of the tally always see it at exactly the
  // latest checkpoint.
  log::MerkleTree& mutable_tree() { return tree_; }
  void ApplyAndPublish(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                       uint64_t first_seq, PublishedCheckpoint checkpoint);
  // Start-up only: applies already-checkpointed entries without publishing.
  void ApplyRecovered(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                      uint64_t first_seq);
  // Publishes a checkpoint that adds no entries (start-up, shutdown).
  void PublishOnly(PublishedCheckpoint checkpoint) {
    ApplyAndPublish({}, {}, 0, std::move(checkpoint));
  }

  // Start-up only: the checkpoints stored before the latest one, oldest
  // first (the latest is then published with PublishOnly/ApplyAndPublish).
  void RestoreHistory(std::vector<store::StoredCheckpoint> earlier);

  std::optional<PublishedCheckpoint> latest() const;
  // Every published checkpoint, oldest first.
  std::vector<store::StoredCheckpoint> checkpoints() const;
  // Runs `fn` under a shared lock with the tally and the checkpoint it is
  // exactly at (nullopt before the first checkpoint).
  void Read(const std::function<void(const tally::Tally&,
                                     const std::optional<PublishedCheckpoint>&)>& fn) const;

  // Waits until a checkpoint newer than `size` is published or `timeout`
  // passes; returns the latest.
  std::optional<PublishedCheckpoint> WaitForNewer(uint64_t size,
                                                  std::chrono::milliseconds timeout) const;
  // Callbacks run on the sequencer thread after each Publish (SSE, metrics).
  void OnPublish(std::function<void(const PublishedCheckpoint&)> fn);

 private:
  LogState(const Manifest& manifest, tally::Tally tally);
  void ApplyLocked(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                   uint64_t first_seq);

  const Manifest& manifest_;
  log::MerkleTree tree_;
  // Guards tally_, checkpoints_, latest_ and listeners_.
  mutable std::shared_mutex mu_;
  tally::Tally tally_;
  mutable std::mutex wait_mu_;
  mutable std::condition_variable_any cp_cv_;
  std::vector<store::StoredCheckpoint> checkpoints_;
  std::optional<PublishedCheckpoint> latest_;
  std::vector<std::function<void(const PublishedCheckpoint&)>> listeners_;
};

}  // namespace acta::center
