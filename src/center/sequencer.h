// The single writer of the log. It takes accepted (durable, receipted)
// actas from the store in arrival order, gives them consecutive log indexes,
// appends them to the Merkle tree, stores the indexes with a compare-and-swap
// of the store's tree head (size, root), and only once that returned (with
// replication: once a synchronous standby holds them) signs a C2SP
// checkpoint over the new tree, stores it, and then applies the entries to
// the tally and publishes the checkpoint.
//
// Batching: a batch closes at `batch_size` entries or `batch_delay` after
// the first waiting entry, whichever comes first; every batch gets its own
// checkpoint, so the maximum merge delay (accepted -> in a signed
// checkpoint) is batch_delay + one store transaction, well under the 2 s the
// center promises; while entries arrive there are at most
// 1 / batch_delay checkpoints per second.
//
// It never signs two inconsistent checkpoints: each checkpoint extends the
// in-memory tree, the store refuses a sequence whose expected head is not
// its own (then the tree is truncated back and nothing was signed), and a
// checkpoint is signed only over entries the store confirmed. Entries
// stored without a checkpoint (a lost answer, a crash between the two
// writes) are taken in and checkpointed at the next round.
//
// Several center nodes may share one store (PostgreSQL). Then only the
// holder of the store's SequencerLease sequences; every node (the leader
// too) follows the store: entries and checkpoints another node sequenced
// are appended to the local tree and tally, each checkpoint published only
// after the local tree reproduces its root, so a node never serves a
// checkpoint it cannot prove. When the leader dies its lease is freed and
// another node takes over at its next poll.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "center/log_state.h"
#include "core/clock.h"
#include "core/keys.h"
#include "core/signer.h"
#include "store/sequencer_lease.h"
#include "store/store.h"

namespace acta::center {

struct SequencerOptions {
  size_t batch_size = 256;
  std::chrono::milliseconds batch_delay{250};
  // How often to look at the store when nobody calls Notify (other nodes).
  std::chrono::milliseconds poll_interval{250};
};

class Sequencer {
 public:
  // `lease` may be null (a store no other node writes to); when set, this
  // node sequences only while it holds it.
  // `key` signs the checkpoints (a key in memory or in a PKCS#11 token);
  // its signer must outlive the sequencer.
  Sequencer(store::Store& store, LogState& state, NamedSigner key, const Clock& clock,
            SequencerOptions options, store::SequencerLease* lease = nullptr);
  // With a key file's key, held in memory by the sequencer.
  Sequencer(store::Store& store, LogState& state, const NamedSigningKey& key, const Clock& clock,
            SequencerOptions options, store::SequencerLease* lease = nullptr);
  ~Sequencer();

  // Rebuilds the tree and tally from the store (every sequenced entry) and
  // checks the stored checkpoints against the rebuilt tree; publishes the
  // latest stored checkpoint (or signs one for the current size).
  // Checkpoints larger than the log size read at the start (another node
  // sequenced meanwhile) are left to the first Follow, which checks them.
  // Errors: kCorruption if a stored checkpoint's root differs from the tree
  // rebuilt from the stored entries; store errors.
  [[nodiscard]] Status Recover();

  // Starts the sequencing thread. REQUIRES Recover succeeded.
  void Start();
  // New accepted actas are durable: wake up (cheap, any thread).
  void Notify();
  // Sequences what is pending, signs a final checkpoint and stops.
  void Stop();

  // Sequences everything currently unsequenced right now on the calling
  // thread (tests, shutdown). Returns the number of entries sequenced.
  [[nodiscard]] Result<size_t> SequencePending(size_t max_entries);

  // Appends entries and checkpoints that another node stored since this
  // node last looked, publishing each checkpoint once the local tree
  // reproduces its root. Returns the number of entries taken in.
  // Errors: kCorruption if a stored checkpoint does not match the stored
  // entries (then this node stops serving new checkpoints).
  [[nodiscard]] Result<uint64_t> Follow();

  bool healthy() const { return healthy_.load(); }
  bool leader() const { return leader_.load(); }
  uint64_t batches() const { return batches_.load(); }

 private:
  void Run();
  // One round: take the lease if free, follow the store, sequence if leader.
  void Step();
  Result<uint64_t> FollowLocked();
  // Signs a checkpoint over the current tree (whose entries the store
  // holds), stores it and then applies and publishes. REQUIRES mu_.
  Status CheckpointAndPublish(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                              uint64_t first);
  // Takes in the entries the store sequenced past the tree without a
  // checkpoint, once ConfirmReplicated holds, and checkpoints them.
  // Returns how many. REQUIRES mu_ and leadership.
  Result<uint64_t> AdoptUncheckpointed();
  // Errors: the signer's (a token that went away: the batch waits).
  Result<PublishedCheckpoint> MakeCheckpoint(uint64_t size, const Hash256& root);

  store::Store& store_;
  LogState& state_;
  std::unique_ptr<MemorySigner> owned_signer_;  // a key file's key, or null
  NamedSigner key_;
  const Clock& clock_;
  const SequencerOptions options_;
  const std::string origin_;

  std::mutex mu_;  // serialises SequencePending; guards wake state below
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  size_t pending_hint_ = 0;  // Notify calls since the last drain
  bool stopping_ = false;
  std::thread thread_;
  store::SequencerLease* lease_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> healthy_{true};
  std::atomic<uint64_t> batches_{0};
};

}  // namespace acta::center
