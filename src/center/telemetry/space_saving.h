// The space-saving algorithm (Metwally, Agrawal, El Abbadi 2005): the
// heaviest hitters of a stream in k counters, whatever the number of
// distinct keys. Each counter holds a key, a count and an error; an item
// whose key has no counter while all k are taken replaces the smallest
// counter and inherits its count (+1) as its error. Guarantees, for any key:
//   true count <= count  and  count - error <= true count,
// and every key whose true count exceeds total / k holds a counter.
//
// Finding the smallest counter is a linear scan: cheap for the k this is
// used with (tens to a few hundred) and cache-friendly.
//
// Not thread-safe: the owner locks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace acta::telemetry {

template <typename Key, typename Hash = std::hash<Key>>
class SpaceSaving {
 public:
  struct Counter {
    Key key{};
    uint64_t count = 0;  // an upper bound of the key's true count
    uint64_t error = 0;  // count - error is a lower bound
  };

  // REQUIRES: capacity >= 1.
  explicit SpaceSaving(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
    counters_.reserve(capacity_);
    index_.reserve(capacity_);
  }

  void Add(const Key& key, uint64_t n = 1) {
    total_ += n;
    if (auto it = index_.find(key); it != index_.end()) {
      counters_[it->second].count += n;
      return;
    }
    if (counters_.size() < capacity_) {
      index_.emplace(key, counters_.size());
      counters_.push_back(Counter{key, n, 0});
      return;
    }
    auto smallest =
        std::min_element(counters_.begin(), counters_.end(),
                         [](const Counter& a, const Counter& b) { return a.count < b.count; });
    index_.erase(smallest->key);
    const uint64_t floor = smallest->count;
    *smallest = Counter{key, floor + n, floor};
    index_.emplace(key, static_cast<std::size_t>(smallest - counters_.begin()));
  }

  // The counters by count, largest first (ties: smaller error first), at
  // most `limit` of them.
  std::vector<Counter> Top(std::size_t limit) const {
    std::vector<Counter> out = counters_;
    std::sort(out.begin(), out.end(), [](const Counter& a, const Counter& b) {
      return a.count != b.count ? a.count > b.count : a.error < b.error;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  uint64_t total() const { return total_; }
  std::size_t size() const { return counters_.size(); }
  std::size_t capacity() const { return capacity_; }

  // An upper estimate of the bytes held: the counters and the index (its
  // nodes and bucket array). Neither grows past `capacity` entries.
  std::size_t MemoryBytes() const {
    constexpr std::size_t kNodeBytes =
        sizeof(std::pair<const Key, std::size_t>) + 2 * sizeof(void*);
    return sizeof(*this) + counters_.capacity() * sizeof(Counter) +
           index_.bucket_count() * sizeof(void*) + index_.size() * kNodeBytes;
  }

 private:
  std::size_t capacity_;
  uint64_t total_ = 0;
  std::vector<Counter> counters_;
  std::unordered_map<Key, std::size_t, Hash> index_;
};

}  // namespace acta::telemetry
