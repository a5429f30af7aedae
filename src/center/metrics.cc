#include "center/metrics.h"

#include <cstdio>

namespace acta::center {

LatencyHistogram::LatencyHistogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(bounds_.size() + 1) {}

void LatencyHistogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void LatencyHistogram::Render(const std::string& name, const std::string& labels,
                              std::string& out) const {
  uint64_t cumulative = 0;
  char buf[256];
  const std::string sep = labels.empty() ? "" : labels + ",";
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size()) {
      std::snprintf(buf, sizeof buf, "%s_bucket{%sle=\"%g\"} %llu\n", name.c_str(), sep.c_str(),
                    bounds_[i], static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(buf, sizeof buf, "%s_bucket{%sle=\"+Inf\"} %llu\n", name.c_str(), sep.c_str(),
                    static_cast<unsigned long long>(cumulative));
    }
    out += buf;
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  std::snprintf(buf, sizeof buf, "%s_sum%s %.6f\n%s_count%s %llu\n", name.c_str(), braces.c_str(),
                static_cast<double>(sum_micros_.load()) / 1e6, name.c_str(), braces.c_str(),
                static_cast<unsigned long long>(count_.load()));
  out += buf;
}

double LatencyHistogram::Quantile(double q) const {
  uint64_t total = count_.load();
  if (total == 0) return 0;
  uint64_t target = static_cast<uint64_t>(q * static_cast<double>(total));
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load();
    if (cumulative > target) return bounds_[i];
  }
  return bounds_.empty() ? 0 : bounds_.back();
}

LabeledCounter::LabeledCounter(std::vector<std::string> label_values)
    : label_values_(std::move(label_values)), values_(label_values_.size()) {}

void LabeledCounter::Render(const std::string& name, const std::string& label,
                            std::string& out) const {
  for (size_t i = 0; i < label_values_.size(); ++i) {
    out += name + "{" + label + "=\"" + label_values_[i] + "\"} " + std::to_string(Get(i)) + "\n";
  }
}

void MetricsRegistry::Add(Provider provider) {
  std::lock_guard lock(mu_);
  providers_.push_back(std::move(provider));
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& p : providers_) p(out);
  return out;
}

void MetricHeader(std::string& out, const std::string& name, const std::string& type,
                  const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace acta::center
