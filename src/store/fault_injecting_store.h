// A Store wrapper for tests (LevelDB's fault-injection Env, for stores): it
// forwards every call to a real Store but can be told to fail the next N
// writes, before or after they reach the store, and to hold writes until
// released, so crash, I/O-error and back-pressure paths can be tested
// deterministically, without timing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace acta::store {

enum class FaultTiming {
  kBeforeWrite,  // the write is not forwarded: nothing changes
  kAfterWrite,   // forwarded (and committed if it succeeds), then reported as
                 // failed: a crash or lost reply right after the commit
};

// Thread-safe. "Writes" are InsertAccepted, Sequence, SequenceFenced and
// AddCheckpoint;
// Initialize and reads always pass through. `base` must outlive this.
class FaultInjectingStore final : public Store {
 public:
  explicit FaultInjectingStore(Store& base) : base_(base) {}

  // The next `n` writes fail with `code` (default kIo, message "injected
  // fault"), replacing any earlier instruction.
  void FailNextWrites(size_t n, ErrorCode code = ErrorCode::kIo,
                      FaultTiming timing = FaultTiming::kBeforeWrite);
  // From now on writes wait, before anything else, until ReleaseWrites.
  void HoldWrites();
  void ReleaseWrites();
  // Blocks until at least `n` writes are waiting on the hold.
  void WaitForHeldWrites(size_t n);
  // The next `n` ConfirmReplicated calls fail with kUnavailable, as when
  // no synchronous standby confirms (the store itself is unchanged).
  void FailNextConfirms(size_t n);
  // The size of every InsertAccepted batch that reached this wrapper, in
  // call order (failed ones included).
  std::vector<size_t> InsertBatchSizes() const;

  Status Initialize(const Hash256& election_id) override { return base_.Initialize(election_id); }
  Status InsertAccepted(std::span<const AcceptedActa> actas) override;
  Result<std::optional<AcceptedActa>> FindByLeaf(const Hash256& leaf_hash) override {
    return base_.FindByLeaf(leaf_hash);
  }
  Result<std::vector<AcceptedActa>> FindByTable(uint32_t table_id) override {
    return base_.FindByTable(table_id);
  }
  Result<std::vector<AcceptedActa>> LoadUnsequenced(size_t limit) override {
    return base_.LoadUnsequenced(limit);
  }
  Status Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                  const std::optional<StoredCheckpoint>& checkpoint) override;
  Status SequenceFenced(const TreeHead& expected, std::span<const Hash256> leaves,
                        const TreeHead& next) override;
  Status ConfirmReplicated() override;
  Status AddCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override {
    return base_.ListCheckpoints();
  }
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override {
    return base_.LatestCheckpoint();
  }
  Status AddCosignature(const StoredCosignature& cosignature) override {
    return base_.AddCosignature(cosignature);
  }
  Result<std::vector<StoredCosignature>> ListCosignatures(uint64_t min_size) override {
    return base_.ListCosignatures(min_size);
  }
  Result<uint64_t> SequencedCount() override { return base_.SequencedCount(); }
  Status ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) override {
    return base_.ForEachSequenced(from, to, fn);
  }
  Status ForEachAccepted(const Visitor& fn) override { return base_.ForEachAccepted(fn); }

 private:
  // Waits out a hold, then runs `write` with the pending fault applied.
  template <typename Write>
  Status Apply(Write&& write);

  Store& base_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t fail_remaining_ = 0;  // guarded by mu_
  ErrorCode fail_code_ = ErrorCode::kIo;
  FaultTiming fail_timing_ = FaultTiming::kBeforeWrite;
  bool holding_ = false;
  size_t held_ = 0;
  size_t confirm_failures_ = 0;  // guarded by mu_
  std::vector<size_t> insert_batch_sizes_;
};

}  // namespace acta::store
