// Group commit in front of any Store: many request threads hand over one
// accepted acta each; one writer thread turns them into few large
// InsertAccepted transactions (one fsync for hundreds of actas) and only then
// tells each caller the outcome. This is how the center guarantees that
// nothing is acknowledged (no receipt is sent) before it is durable, at a
// cost of one fsync per batch rather than per acta.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace acta::store {

struct GroupCommitOptions {
  // Most actas written in one transaction.
  size_t max_batch = 512;
  // How long the writer waits, after the first acta of a batch arrives, for
  // the batch to fill before committing what it has. Zero commits at once
  // (batches then form only while a previous commit is running).
  std::chrono::microseconds max_delay = std::chrono::milliseconds(2);
  // Most actas waiting (not counting the batch being committed); Submit
  // refuses more. Bounds memory and pushes back on ingest when the disk is
  // slower than the network.
  size_t max_queue = 16384;
  // Called on the writer thread after each commit with its duration (the
  // transaction and its fsync) and the number of actas in it, whether it
  // succeeded or not; for metrics. Must be quick and must not block.
  std::function<void(std::chrono::steady_clock::duration, size_t)> on_commit = nullptr;
  // Runs one commit's `done` callbacks: calls `run`, which calls them all.
  // The center wraps them in an http::ReplyBatch, so that their replies
  // reach the I/O thread in one hand-over, not one per acta. Empty: run().
  std::function<void(const std::function<void()>& run)> around_callbacks = nullptr;
};

// Thread-safety: Submit, QueueSize and Shutdown may be called from any
// thread. `done` callbacks run on the writer thread, one batch at a time, in
// submission order; they should be quick (a slow callback delays the next
// commit) and must not call Shutdown.
class GroupCommitter {
 public:
  using Done = std::function<void(Status)>;

  // Starts the writer thread. `store` must be initialized and outlive this.
  explicit GroupCommitter(Store& store, GroupCommitOptions options = {});
  // Shutdown().
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `acta`. If this returns OK, `done` (if not empty) is called
  // exactly once, after the batch holding the acta was committed, with the
  // status of that InsertAccepted: OK means the acta (or an identical one
  // stored earlier) is durable. If this returns an error, `done` is never
  // called.
  // Errors: kInvalidArgument if ValidateAccepted fails (checked here so one
  // bad acta cannot fail a whole batch); kResourceExhausted if max_queue
  // actas are already waiting; kUnavailable after Shutdown began.
  [[nodiscard]] Status Submit(AcceptedActa acta, Done done);

  // Actas waiting, not counting the batch being committed.
  size_t QueueSize() const;

  // Refuses new submissions, commits everything already queued (calling
  // each `done`), and stops the writer thread. Idempotent; returns once the
  // queue is drained.
  void Shutdown();

 private:
  struct Pending {
    AcceptedActa acta;
    Done done;
  };

  void WriterLoop();

  Store& store_;
  const GroupCommitOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_

  std::mutex shutdown_mu_;  // serializes Shutdown so the thread is joined once
  std::thread writer_;
};

}  // namespace acta::store
