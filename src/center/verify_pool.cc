#include "center/verify_pool.h"

#include <algorithm>

namespace acta::center {

int DefaultVerifyWorkers() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

VerifyPool::VerifyPool(VerifyPoolOptions options) : options_(options) {
  const int n = std::max(0, options_.workers);
  threads_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

VerifyPool::~VerifyPool() { Stop(); }

Admission VerifyPool::TrySubmit(VerifyLane lane, Work work) {
  const size_t li = static_cast<size_t>(lane);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Admission::kStopped;
    if (!threads_.empty()) {
      std::deque<Work>& q = lane == VerifyLane::kTerminal ? terminal_ : public_;
      const size_t cap =
          lane == VerifyLane::kTerminal ? options_.max_terminal_queue : options_.max_public_queue;
      if (q.size() >= cap) {
        ++refused_[li];
        return Admission::kFull;
      }
      q.push_back(std::move(work));
      cv_.notify_one();
      return Admission::kQueued;
    }
  }
  // Inline pool: the caller's thread does the work (no queue to fill).
  work();
  return Admission::kQueued;
}

void VerifyPool::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !terminal_.empty() || !public_.empty(); });
    // The lane priority: public work only while no terminal work waits.
    std::deque<Work>* q = !terminal_.empty() ? &terminal_ : !public_.empty() ? &public_ : nullptr;
    if (q == nullptr) return;  // stopping and drained
    Work work = std::move(q->front());
    q->pop_front();
    lock.unlock();
    work();
    work = nullptr;  // destroy captures outside the lock too
    lock.lock();
  }
}

void VerifyPool::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t VerifyPool::QueueSize(VerifyLane lane) const {
  std::lock_guard lock(mu_);
  return lane == VerifyLane::kTerminal ? terminal_.size() : public_.size();
}

uint64_t VerifyPool::refused(VerifyLane lane) const {
  std::lock_guard lock(mu_);
  return refused_[static_cast<size_t>(lane)];
}

}  // namespace acta::center
