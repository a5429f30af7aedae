#include "center/log_state.h"

#include <spdlog/spdlog.h>

namespace acta::center {

Result<std::unique_ptr<LogState>> LogState::Create(const Manifest& manifest) {
  auto tally = tally::Tally::Create(manifest);
  if (!tally) return std::unexpected(tally.error());
  return std::unique_ptr<LogState>(new LogState(manifest, std::move(*tally)));
}

LogState::LogState(const Manifest& manifest, tally::Tally tally)
    : manifest_(manifest), tally_(std::move(tally)) {}

void LogState::ApplyRecovered(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                              uint64_t first_seq) {
  std::unique_lock lock(mu_);
  ApplyLocked(bodies, leaves, first_seq);
}

void LogState::ApplyLocked(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                           uint64_t first_seq) {
  for (size_t i = 0; i < bodies.size(); ++i) {
    auto outcome = tally_.Apply(bodies[i], first_seq + i, leaves[i]);
    if (!outcome) {
      // Entries are verified before they are accepted, so this is a stored
      // acta that no longer matches the manifest: report it, keep going
      // (the tally counts it as an invalid entry).
      spdlog::error("tally: log entry {} not applied: {}", first_seq + i,
                    outcome.error().ToString());
    }
  }
}

void LogState::ApplyAndPublish(std::span<const ActaBody> bodies, std::span<const Hash256> leaves,
                               uint64_t first_seq, PublishedCheckpoint checkpoint) {
  std::vector<std::function<void(const PublishedCheckpoint&)>> listeners;
  {
    std::unique_lock lock(mu_);
    ApplyLocked(bodies, leaves, first_seq);
    checkpoints_.push_back(checkpoint.stored);
    latest_ = checkpoint;
    listeners = listeners_;
  }
  { std::lock_guard wait_lock(wait_mu_); }
  cp_cv_.notify_all();
  for (auto& fn : listeners) fn(checkpoint);
}

void LogState::RestoreHistory(std::vector<store::StoredCheckpoint> earlier) {
  std::unique_lock lock(mu_);
  checkpoints_ = std::move(earlier);
}

std::optional<PublishedCheckpoint> LogState::latest() const {
  std::shared_lock lock(mu_);
  return latest_;
}

std::vector<store::StoredCheckpoint> LogState::checkpoints() const {
  std::shared_lock lock(mu_);
  return checkpoints_;
}

void LogState::Read(
    const std::function<void(const tally::Tally&, const std::optional<PublishedCheckpoint>&)>& fn)
    const {
  std::shared_lock lock(mu_);
  fn(tally_, latest_);
}

std::optional<PublishedCheckpoint> LogState::WaitForNewer(uint64_t size,
                                                          std::chrono::milliseconds timeout) const {
  std::unique_lock wait_lock(wait_mu_);
  cp_cv_.wait_for(wait_lock, timeout, [&] {
    auto cp = latest();
    return cp && cp->stored.size > size;
  });
  return latest();
}

void LogState::OnPublish(std::function<void(const PublishedCheckpoint&)> fn) {
  std::unique_lock lock(mu_);
  listeners_.push_back(std::move(fn));
}

}  // namespace acta::center
