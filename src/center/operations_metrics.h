// Metrics an operator alerts on (docs/OPERATIONS.md, "Monitoring") that no
// request handler owns: how long the disk takes to commit a batch, how many
// actas wait for it, and how many tables the latest checkpoint counts out of
// how many the manifest expects.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "center/log_state.h"
#include "center/metrics.h"
#include "store/group_commit.h"

namespace acta::center {

// Thread-safety: the commit observer runs on the group-commit writer thread,
// Render on any thread; both only touch atomics (LatencyHistogram) or take
// LogState's shared lock.
class OperationsMetrics {
 public:
  OperationsMetrics();

  // For store::GroupCommitOptions::on_commit. The returned function refers
  // to this object, which must outlive the committer using it.
  std::function<void(std::chrono::steady_clock::duration, size_t)> CommitObserver();

  // Appends acta_commit_seconds (histogram), acta_commit_queue and the
  // acta_tables_{expected,counted,conflicted} gauges.
  void Render(const store::GroupCommitter& committer, const LogState& state,
              std::string& out) const;

 private:
  LatencyHistogram commit_seconds_;
};

}  // namespace acta::center
