// Prometheus text exposition for the center: a few fixed metric families
// with atomic counters, so recording costs one relaxed atomic add on the
// request path. Families and label values are registered up front; no
// label is ever created from request data (bounded memory whatever clients
// send).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace acta::center {

// A histogram of durations in seconds with fixed buckets.
class LatencyHistogram {
 public:
  // Upper bounds in seconds, ascending.
  explicit LatencyHistogram(std::vector<double> bounds);
  void Observe(double seconds);
  // Appends the `name_bucket`, `name_sum`, `name_count` lines.
  void Render(const std::string& name, const std::string& labels, std::string& out) const;
  // Quantile estimate from the buckets (upper bound of the bucket holding
  // it), for progress displays; 0 when empty.
  double Quantile(double q) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> buckets_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

// Counters keyed by a small, fixed set of label strings.
class LabeledCounter {
 public:
  explicit LabeledCounter(std::vector<std::string> label_values);
  // REQUIRES index < label_values.size().
  void Add(size_t index, uint64_t n = 1) { values_[index].fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get(size_t index) const { return values_[index].load(std::memory_order_relaxed); }
  // One line per label value: name{label="value"} count
  void Render(const std::string& name, const std::string& label, std::string& out) const;

 private:
  std::vector<std::string> label_values_;
  std::vector<std::atomic<uint64_t>> values_;
};

// Collects text from several providers into one /metrics page.
class MetricsRegistry {
 public:
  using Provider = std::function<void(std::string& out)>;
  void Add(Provider provider);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::vector<Provider> providers_;
};

// "# HELP" and "# TYPE" lines.
void MetricHeader(std::string& out, const std::string& name, const std::string& type,
                  const std::string& help);

}  // namespace acta::center
