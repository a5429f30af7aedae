#include "tally/arrivals.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace acta::tally {
namespace {

constexpr uint64_t kMinuteMs = 60000;
// Bucket widths in minutes, tried in order; past the list, whole days
// doubling.
constexpr uint64_t kWidths[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};

// Builds a CSR (begin offsets + items) from (key, item) pairs already known
// to have key < keys.
void BuildCsr(size_t keys, const std::vector<std::pair<uint32_t, uint32_t>>& pairs,
              std::vector<uint32_t>& begin, std::vector<uint32_t>& items) {
  begin.assign(keys + 1, 0);
  for (const auto& [k, _] : pairs) ++begin[k + 1];
  for (size_t k = 0; k < keys; ++k) begin[k + 1] += begin[k];
  items.assign(pairs.size(), 0);
  std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
  for (const auto& [k, item] : pairs) items[next[k]++] = item;
}

uint64_t ChooseWidth(uint64_t min_minute, uint64_t max_minute) {
  for (uint64_t w : kWidths) {
    if (max_minute / w - min_minute / w + 1 <= ArrivalIndex::kMaxBuckets) return w;
  }
  uint64_t w = 2880;
  while (max_minute / w - min_minute / w + 1 > ArrivalIndex::kMaxBuckets) w *= 2;
  return w;
}

}  // namespace

Result<ArrivalIndex> ArrivalIndex::Create(const Manifest& manifest) {
  const auto& regions = manifest.regions;
  if (regions.empty() || regions[0].parent != -1)
    return MakeError(ErrorCode::kInvalidArgument, "arrivals: regions[0] must be the root");
  ArrivalIndex index(manifest);
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(regions.size());
  for (size_t r = 1; r < regions.size(); ++r) {
    const int32_t p = regions[r].parent;
    if (p < 0 || static_cast<size_t>(p) >= r)
      return MakeError(ErrorCode::kInvalidArgument,
                       "arrivals: region " + regions[r].code + " has no earlier parent");
    pairs.emplace_back(static_cast<uint32_t>(p), static_cast<uint32_t>(r));
  }
  BuildCsr(regions.size(), pairs, index.child_begin_, index.children_);
  pairs.clear();
  pairs.reserve(manifest.tables.size());
  for (size_t t = 0; t < manifest.tables.size(); ++t) {
    if (manifest.tables[t].region >= regions.size())
      return MakeError(
          ErrorCode::kInvalidArgument,
          "arrivals: table " + std::to_string(manifest.tables[t].id) + " has an unknown region");
    pairs.emplace_back(manifest.tables[t].region, static_cast<uint32_t>(t));
  }
  BuildCsr(regions.size(), pairs, index.table_begin_, index.tables_);
  index.minute_.assign(manifest.tables.size(), 0);
  return index;
}

Status ArrivalIndex::Add(uint64_t seq, uint32_t table_id, uint64_t received_at_ms) {
  if (seq != size_)
    return MakeError(ErrorCode::kFailedPrecondition, "arrivals: entry " + std::to_string(seq) +
                                                         " out of order, expected " +
                                                         std::to_string(size_));
  ++size_;
  const TableRecord* table = manifest_->FindTable(table_id);
  if (table == nullptr) return Ok();
  uint32_t& slot = minute_[static_cast<size_t>(table - manifest_->tables.data())];
  if (slot != 0) return Ok();  // not its first entry
  // Minutes since 1970 fit u32 until the year 10136; clamp beyond.
  slot = static_cast<uint32_t>(std::min<uint64_t>(received_at_ms / kMinuteMs, UINT32_MAX - 1)) + 1;
  ++arrived_;
  return Ok();
}

ArrivalReport ArrivalIndex::Query(int32_t region, size_t top) const {
  top = std::min(top, kMaxTop);
  ArrivalReport report;
  report.region = region;
  const auto r = static_cast<uint32_t>(region);
  // The series: each child, or the region itself when it has none (a
  // voting center).
  std::vector<uint32_t> series(children_.begin() + child_begin_[r],
                               children_.begin() + child_begin_[r + 1]);
  const bool leaf = series.empty();
  if (leaf) series.push_back(r);

  // Calls fn(minute_plus_one) for every table under `root`.
  std::vector<uint32_t> stack;
  auto walk = [&](uint32_t root, auto&& fn) {
    stack.assign(1, root);
    while (!stack.empty()) {
      const uint32_t at = stack.back();
      stack.pop_back();
      for (uint32_t i = table_begin_[at]; i < table_begin_[at + 1]; ++i) fn(minute_[tables_[i]]);
      for (uint32_t i = child_begin_[at]; i < child_begin_[at + 1]; ++i)
        stack.push_back(children_[i]);
    }
  };

  // Pass 1: per series, arrivals and the time span.
  std::vector<uint64_t> totals(series.size(), 0);
  uint64_t min_minute = UINT64_MAX, max_minute = 0;
  for (size_t s = 0; s < series.size(); ++s) {
    walk(series[s], [&](uint32_t m) {
      ++report.tables_expected;
      if (m == 0) return;
      ++totals[s];
      min_minute = std::min<uint64_t>(min_minute, m - 1);
      max_minute = std::max<uint64_t>(max_minute, m - 1);
    });
  }
  for (uint64_t t : totals) report.total += t;

  // The `top` children with most arrivals (ties: manifest order).
  std::vector<size_t> order(series.size());
  for (size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return totals[a] > totals[b]; });
  const size_t shown = leaf ? 0 : std::min(top, order.size());
  if (report.total == 0) {
    for (size_t i = 0; i < shown; ++i)
      report.children.push_back({static_cast<int32_t>(series[order[i]]), {}, 0});
    if (!leaf) report.other_regions = static_cast<uint32_t>(series.size() - shown);
    return report;
  }

  // Pass 2: dense buckets over the span for the shown children and "other".
  const uint64_t width = ChooseWidth(min_minute, max_minute);
  report.bucket_ms = width * kMinuteMs;
  const uint64_t first = min_minute / width;
  const size_t n = static_cast<size_t>(max_minute / width - first + 1);
  std::vector<std::vector<uint64_t>> dense(shown + 1, std::vector<uint64_t>(n, 0));
  std::vector<uint64_t> dense_totals(n, 0);
  for (size_t i = 0; i < order.size(); ++i) {
    auto& row = dense[std::min(i, shown)];
    walk(series[order[i]], [&](uint32_t m) {
      if (m == 0) return;
      const size_t b = static_cast<size_t>((m - 1) / width - first);
      ++row[b];
      ++dense_totals[b];
    });
  }

  // Keep only non-empty buckets.
  std::vector<size_t> kept;
  for (size_t b = 0; b < n; ++b) {
    if (dense_totals[b] == 0) continue;
    kept.push_back(b);
    report.starts_ms.push_back((first + b) * width * kMinuteMs);
    report.totals.push_back(dense_totals[b]);
  }
  auto compress = [&](const std::vector<uint64_t>& row) {
    std::vector<uint64_t> out;
    out.reserve(kept.size());
    for (size_t b : kept) out.push_back(row[b]);
    return out;
  };
  for (size_t i = 0; i < shown; ++i) {
    report.children.push_back(
        {static_cast<int32_t>(series[order[i]]), compress(dense[i]), totals[order[i]]});
  }
  if (!leaf && order.size() > shown) {
    report.other_regions = static_cast<uint32_t>(order.size() - shown);
    report.other = compress(dense[shown]);
  }
  return report;
}

size_t ArrivalIndex::MemoryBytes() const {
  return sizeof(uint32_t) * (minute_.capacity() + child_begin_.capacity() + children_.capacity() +
                             table_begin_.capacity() + tables_.capacity());
}

std::string ArrivalsJson(const Manifest& manifest, const ArrivalReport& report, uint64_t size,
                         std::string_view root_hex) {
  using nlohmann::ordered_json;
  const Region& region = manifest.regions[static_cast<size_t>(report.region)];
  ordered_json out;
  out["format"] = "acta-arrivals-v1";
  out["region"] = region.code;
  out["name"] = region.name;
  out["level"] = RegionLevelName(region.level);
  out["checkpoint"] = {{"size", size}, {"root", std::string(root_hex)}};
  out["bucket_ms"] = report.bucket_ms;
  out["starts_ms"] = report.starts_ms;
  ordered_json children = ordered_json::array();
  for (const auto& c : report.children) {
    const Region& child = manifest.regions[static_cast<size_t>(c.region)];
    children.push_back(
        {{"code", child.code}, {"name", child.name}, {"total", c.total}, {"counts", c.counts}});
  }
  out["children"] = std::move(children);
  if (report.other_regions > 0) {
    uint64_t other_total = 0;
    for (uint64_t v : report.other) other_total += v;
    out["other"] = {
        {"regions", report.other_regions}, {"total", other_total}, {"counts", report.other}};
  } else {
    out["other"] = nullptr;
  }
  out["totals"] = report.totals;
  out["total"] = report.total;
  out["tables_expected"] = report.tables_expected;
  return out.dump() + "\n";
}

}  // namespace acta::tally
