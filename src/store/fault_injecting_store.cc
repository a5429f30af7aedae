#include "store/fault_injecting_store.h"

#include <utility>

namespace acta::store {

void FaultInjectingStore::FailNextWrites(size_t n, ErrorCode code, FaultTiming timing) {
  std::lock_guard lock(mu_);
  fail_remaining_ = n;
  fail_code_ = code;
  fail_timing_ = timing;
}

void FaultInjectingStore::HoldWrites() {
  std::lock_guard lock(mu_);
  holding_ = true;
}

void FaultInjectingStore::ReleaseWrites() {
  {
    std::lock_guard lock(mu_);
    holding_ = false;
  }
  cv_.notify_all();
}

void FaultInjectingStore::WaitForHeldWrites(size_t n) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return held_ >= n; });
}

void FaultInjectingStore::FailNextConfirms(size_t n) {
  std::lock_guard lock(mu_);
  confirm_failures_ = n;
}

std::vector<size_t> FaultInjectingStore::InsertBatchSizes() const {
  std::lock_guard lock(mu_);
  return insert_batch_sizes_;
}

template <typename Write>
Status FaultInjectingStore::Apply(Write&& write) {
  bool fail = false;
  FaultTiming timing = FaultTiming::kBeforeWrite;
  ErrorCode code = ErrorCode::kIo;
  {
    std::unique_lock lock(mu_);
    if (holding_) {
      ++held_;
      cv_.notify_all();  // wakes WaitForHeldWrites
      cv_.wait(lock, [&] { return !holding_; });
      --held_;
    }
    // The fault is claimed after the hold, so a write released later still
    // sees the instruction that was current when it actually runs.
    if (fail_remaining_ > 0) {
      --fail_remaining_;
      fail = true;
      timing = fail_timing_;
      code = fail_code_;
    }
  }
  if (!fail) return write();
  if (timing == FaultTiming::kAfterWrite) ACTA_RETURN_IF_ERROR(write());
  return MakeError(code, "injected fault");
}

Status FaultInjectingStore::InsertAccepted(std::span<const AcceptedActa> actas) {
  {
    std::lock_guard lock(mu_);
    insert_batch_sizes_.push_back(actas.size());
  }
  return Apply([&] { return base_.InsertAccepted(actas); });
}

Status FaultInjectingStore::Sequence(uint64_t first_seq, std::span<const Hash256> leaves,
                                     const std::optional<StoredCheckpoint>& checkpoint) {
  return Apply([&] { return base_.Sequence(first_seq, leaves, checkpoint); });
}

Status FaultInjectingStore::SequenceFenced(const TreeHead& expected,
                                           std::span<const Hash256> leaves, const TreeHead& next) {
  return Apply([&] { return base_.SequenceFenced(expected, leaves, next); });
}

Status FaultInjectingStore::ConfirmReplicated() {
  {
    std::lock_guard lock(mu_);
    if (confirm_failures_ > 0) {
      --confirm_failures_;
      return MakeError(ErrorCode::kUnavailable, "injected fault: no synchronous standby confirmed");
    }
  }
  return base_.ConfirmReplicated();
}

Status FaultInjectingStore::AddCheckpoint(const StoredCheckpoint& checkpoint) {
  return Apply([&] { return base_.AddCheckpoint(checkpoint); });
}

}  // namespace acta::store
