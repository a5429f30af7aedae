#include "center/operations_metrics.h"

namespace acta::center {

// From a tmpfs commit (well under a millisecond) to a disk in trouble
// (seconds): the alert on the p99 needs buckets on both sides of 100 ms.
OperationsMetrics::OperationsMetrics()
    : commit_seconds_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}) {
}

std::function<void(std::chrono::steady_clock::duration, size_t)>
OperationsMetrics::CommitObserver() {
  return [this](std::chrono::steady_clock::duration d, size_t) {
    commit_seconds_.Observe(std::chrono::duration<double>(d).count());
  };
}

void OperationsMetrics::Render(const store::GroupCommitter& committer, const LogState& state,
                               std::string& out) const {
  MetricHeader(out, "acta_commit_seconds", "histogram",
               "Group commit: one transaction with its fsync, per batch of actas.");
  commit_seconds_.Render("acta_commit_seconds", "", out);
  MetricHeader(out, "acta_commit_queue", "gauge", "Accepted actas waiting for the disk.");
  out += "acta_commit_queue " + std::to_string(committer.QueueSize()) + "\n";
  tally::RegionTotals country;
  state.Read([&](const tally::Tally& t, const auto&) { country = t.Totals(0); });
  MetricHeader(out, "acta_tables_expected", "gauge", "Tables in the manifest.");
  out += "acta_tables_expected " + std::to_string(country.tables_expected) + "\n";
  MetricHeader(out, "acta_tables_counted", "gauge",
               "Tables counted at the latest checkpoint (conflicted ones excluded).");
  out += "acta_tables_counted " + std::to_string(country.tables_counted) + "\n";
  MetricHeader(out, "acta_tables_conflicted", "gauge",
               "Tables with two or more different actas at the latest checkpoint.");
  out += "acta_tables_conflicted " + std::to_string(country.tables_conflicted) + "\n";
}

}  // namespace acta::center
