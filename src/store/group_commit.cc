#include "store/group_commit.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace acta::store {

GroupCommitter::GroupCommitter(Store& store, GroupCommitOptions options)
    : store_(store), options_(options) {
  writer_ = std::thread([this] { WriterLoop(); });
}

GroupCommitter::~GroupCommitter() { Shutdown(); }

Status GroupCommitter::Submit(AcceptedActa acta, Done done) {
  ACTA_RETURN_IF_ERROR(ValidateAccepted(acta));
  size_t size = 0;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return MakeError(ErrorCode::kUnavailable, "group committer is shut down");
    if (queue_.size() >= options_.max_queue) {
      return MakeError(
          ErrorCode::kResourceExhausted,
          "store write queue is full (" + std::to_string(options_.max_queue) + " actas waiting)");
    }
    queue_.push_back(Pending{std::move(acta), std::move(done)});
    size = queue_.size();
  }
  // The writer waits for "queue non-empty" and then for "batch full"; only
  // those two transitions can change its mind, so other submits skip the
  // wake-up.
  if (size == 1 || size == std::max<size_t>(options_.max_batch, 1)) cv_.notify_one();
  return Ok();
}

size_t GroupCommitter::QueueSize() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void GroupCommitter::Shutdown() {
  std::lock_guard shutdown_lock(shutdown_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void GroupCommitter::WriterLoop() {
  const size_t max_batch = std::max<size_t>(options_.max_batch, 1);
  std::vector<AcceptedActa> actas;
  std::vector<Done> dones;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping and drained
    if (queue_.size() < max_batch && !stopping_ && options_.max_delay.count() > 0) {
      // Saturate so a huge max_delay (tests use one to make batching
      // deterministic) cannot overflow the deadline.
      using std::chrono::steady_clock;
      const auto now = steady_clock::now();
      const auto limit = std::chrono::duration_cast<std::chrono::microseconds>(
          steady_clock::time_point::max() - now);
      const auto deadline =
          options_.max_delay >= limit ? steady_clock::time_point::max() : now + options_.max_delay;
      cv_.wait_until(lock, deadline, [&] { return queue_.size() >= max_batch || stopping_; });
    }
    const size_t n = std::min(queue_.size(), max_batch);
    actas.clear();
    dones.clear();
    for (size_t i = 0; i < n; ++i) {
      actas.push_back(std::move(queue_.front().acta));
      dones.push_back(std::move(queue_.front().done));
      queue_.pop_front();
    }
    lock.unlock();
    const auto commit_start = std::chrono::steady_clock::now();
    const Status status = store_.InsertAccepted(actas);
    if (options_.on_commit) {
      options_.on_commit(std::chrono::steady_clock::now() - commit_start, actas.size());
    }
    const std::function<void()> run = [&] {
      for (Done& done : dones) {
        if (done) done(status);
      }
    };
    if (options_.around_callbacks) {
      options_.around_callbacks(run);
    } else {
      run();
    }
    lock.lock();
  }
}

}  // namespace acta::store
