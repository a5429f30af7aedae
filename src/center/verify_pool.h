// The center's signature workers (DESIGN.md, "Transport and the two lanes").
// Decoding, the Ed25519 check and receipt signing cost tens of microseconds
// per acta, so they run here, off the I/O threads, in two bounded queues:
// the terminal lane (requests whose transport MAC verified) and the public
// lane. A worker always takes terminal work first and runs public work only
// while the terminal queue is empty, so no amount of public-lane traffic can
// delay a terminal by more than the one public item a worker may be in the
// middle of.
//
// Each queue has a maximum depth; a full queue refuses the item at once,
// before any signature work (the caller answers 503 or 429). With zero
// workers the pool is "inline": TrySubmit runs the item on the calling
// thread (the behaviour before the pool existed; tests use it).
//
// Thread-safety: every method may be called from any thread, except that
// work items must not call Stop.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace acta::center {

enum class VerifyLane { kTerminal = 0, kPublic = 1 };

// max(1, std::thread::hardware_concurrency()).
int DefaultVerifyWorkers();

struct VerifyPoolOptions {
  // Worker threads; 0 runs every item inline on the submitting thread.
  int workers = DefaultVerifyWorkers();
  // Most items waiting per lane (not counting those being run).
  size_t max_terminal_queue = 4096;
  size_t max_public_queue = 1024;
};

enum class Admission {
  kQueued,   // the item will run exactly once (or has run, inline)
  kFull,     // the lane's queue is full; the item was dropped unrun
  kStopped,  // Stop began; the item was dropped unrun
};

class VerifyPool {
 public:
  using Work = std::function<void()>;

  // Starts the workers. A negative worker count is treated as 0.
  explicit VerifyPool(VerifyPoolOptions options);
  // Stop().
  ~VerifyPool();
  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  // Queues `work` on `lane`. Only kQueued means it will run; on kFull or
  // kStopped it is destroyed unrun and the caller must answer the request.
  [[nodiscard]] Admission TrySubmit(VerifyLane lane, Work work);

  // Refuses new items, lets the workers run everything already queued
  // (terminal first, as always), and joins them. Idempotent.
  void Stop();

  // Items waiting on `lane` (not counting those being run).
  size_t QueueSize(VerifyLane lane) const;
  int workers() const { return static_cast<int>(threads_.size()); }
  const VerifyPoolOptions& options() const { return options_; }
  // Items refused because their lane's queue was full, per lane.
  uint64_t refused(VerifyLane lane) const;

 private:
  void WorkerLoop();

  const VerifyPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Work> terminal_;     // guarded by mu_
  std::deque<Work> public_;       // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  uint64_t refused_[2] = {0, 0};  // guarded by mu_
  std::mutex stop_mu_;            // serializes Stop so threads are joined once
  std::vector<std::thread> threads_;
};

}  // namespace acta::center
