#include "center/telemetry/telemetry.h"

#include <algorithm>

namespace acta::telemetry {
namespace {

constexpr int64_t kHourMs = 3'600'000;

// Floor division, so times before the epoch (only in odd tests) still land
// in the bucket that contains them.
int64_t FloorTo(int64_t t, int64_t width) {
  int64_t q = t / width;
  if (t % width != 0 && t < 0) --q;
  return q * width;
}

std::size_t SlotOf(int64_t start, int64_t width, std::size_t count) {
  const int64_t index = start / width;
  const int64_t n = static_cast<int64_t>(count);
  return static_cast<std::size_t>(((index % n) + n) % n);
}

TelemetryOptions Clamp(TelemetryOptions o) {
  if (o.bucket_width.count() < 1) o.bucket_width = std::chrono::seconds(1);
  o.bucket_count = std::max<std::size_t>(o.bucket_count, 1);
  o.top_networks = std::max<std::size_t>(o.top_networks, 1);
  o.top_countries = std::max<std::size_t>(o.top_countries, 1);
  o.top_asns = std::max<std::size_t>(o.top_asns, 1);
  o.hll_precision =
      std::clamp(o.hll_precision, HyperLogLog::kMinPrecision, HyperLogLog::kMaxPrecision);
  o.hours_kept = std::max<std::size_t>(o.hours_kept, 1);
  return o;
}

std::vector<RankedCount> Ranked(const auto& sketch, std::size_t limit, const auto& to_string) {
  std::vector<RankedCount> out;
  for (const auto& c : sketch.Top(limit)) {
    out.push_back(RankedCount{to_string(c.key), c.count, c.error, std::nullopt});
  }
  return out;
}

}  // namespace

std::size_t ReasonIndex(std::string_view reason) {
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    if (kReasons[i] == reason) return i;
  }
  return kOtherReason;
}

std::string_view LaneName(Lane lane) {
  switch (lane) {
    case Lane::kTerminal:
      return "terminal";
    case Lane::kPublic:
      return "public";
    case Lane::kNone:
      return "none";
  }
  return "none";
}

std::size_t SecurityTelemetry::NetHash::operator()(const http::SourceNet& net) const {
  return HashAddressBytes(net.prefix.data(), net.prefix.size()) ^ (net.v6 ? 1 : 0);
}

SecurityTelemetry::SecurityTelemetry(const Clock& clock, TelemetryOptions options)
    : clock_(clock),
      options_(Clamp(options)),
      bucket_ms_(options_.bucket_width.count() * 1000),
      ring_(options_.bucket_count),
      networks_(options_.top_networks),
      countries_(options_.top_countries),
      asns_(options_.top_asns),
      hours_(options_.hours_kept, HyperLogLog(options_.hll_precision)),
      hour_start_(options_.hours_kept, kUnused),
      all_time_(options_.hll_precision) {
  for (auto& b : ring_) b.start_ms = kUnused;
}

void SecurityTelemetry::Record(std::string_view reason, Lane lane,
                               const boost::asio::ip::address& source) {
  RecordAt(reason, lane, source, clock_.NowUnixMillis());
}

void SecurityTelemetry::RecordAt(std::string_view reason, Lane lane,
                                 const boost::asio::ip::address& source, int64_t unix_ms) {
  // Everything that needs no shared state happens before the lock.
  const std::size_t r = ReasonIndex(reason);
  const std::size_t l = static_cast<std::size_t>(lane);
  const http::SourceNet net = http::SourceNetwork(source);
  uint64_t address_hash;
  if (source.is_v6() && !source.to_v6().is_v4_mapped()) {
    const auto bytes = source.to_v6().to_bytes();
    address_hash = HashAddressBytes(bytes.data(), bytes.size());
  } else {
    const auto v4 = source.is_v4() ? source.to_v4()
                                   : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                                      source.to_v6());
    const auto bytes = v4.to_bytes();
    address_hash = HashAddressBytes(bytes.data(), bytes.size());
  }
  std::optional<std::string> country;
  std::optional<std::string> asn;
  if (options_.geo != nullptr) {
    country = options_.geo->Country(source);
    asn = options_.geo->Asn(source);
  }
  const int64_t bucket_start = FloorTo(unix_ms, bucket_ms_);
  const int64_t hour_start = FloorTo(unix_ms, kHourMs);

  std::lock_guard lock(mu_);
  ++totals_[r][l];
  BucketCounts& bucket = ring_[SlotOf(bucket_start, bucket_ms_, ring_.size())];
  if (bucket.start_ms == kUnused || bucket.start_ms < bucket_start) {
    bucket = BucketCounts{};
    bucket.start_ms = bucket_start;
  }
  if (bucket.start_ms == bucket_start) ++bucket.rejected[r];

  const std::size_t h = SlotOf(hour_start, kHourMs, hours_.size());
  if (hour_start_[h] == kUnused || hour_start_[h] < hour_start) {
    hours_[h].Clear();
    hour_start_[h] = hour_start;
  }
  if (hour_start_[h] == hour_start) hours_[h].AddHash(address_hash);
  all_time_.AddHash(address_hash);

  networks_.Add(net);
  if (country) countries_.Add(*country);
  if (asn) asns_.Add(*asn);
}

void SecurityTelemetry::RecordAccepted() {
  const int64_t bucket_start = FloorTo(clock_.NowUnixMillis(), bucket_ms_);
  std::lock_guard lock(mu_);
  ++accepted_;
  BucketCounts& bucket = ring_[SlotOf(bucket_start, bucket_ms_, ring_.size())];
  if (bucket.start_ms == kUnused || bucket.start_ms < bucket_start) {
    bucket = BucketCounts{};
    bucket.start_ms = bucket_start;
  }
  if (bucket.start_ms == bucket_start) ++bucket.accepted;
}

TelemetrySnapshot SecurityTelemetry::Snapshot() const { return Snapshot(clock_.NowUnixMillis()); }

TelemetrySnapshot SecurityTelemetry::Snapshot(int64_t now_ms) const {
  TelemetrySnapshot s;
  s.now_ms = now_ms;
  s.bucket_seconds = bucket_ms_ / 1000;
  s.window_seconds = s.bucket_seconds * static_cast<int64_t>(options_.bucket_count);
  s.geo = options_.geo != nullptr;
  const int64_t window_start = now_ms - s.window_seconds * 1000;
  const int64_t current_hour = FloorTo(now_ms, kHourMs);
  {
    std::lock_guard lock(mu_);
    s.totals = totals_;
    s.accepted = accepted_;
    for (const BucketCounts& b : ring_) {
      if (b.start_ms == kUnused || b.start_ms <= window_start || b.start_ms > now_ms) continue;
      s.buckets.push_back(b);
    }
    for (std::size_t i = 0; i < hours_.size(); ++i) {
      if (hour_start_[i] == kUnused || hours_[i].empty() || hour_start_[i] > now_ms) continue;
      const auto estimate = static_cast<uint64_t>(hours_[i].Estimate() + 0.5);
      s.distinct_per_hour.push_back(HourEstimate{hour_start_[i], estimate});
      if (hour_start_[i] == current_hour) s.distinct_current_hour = estimate;
    }
    s.distinct_total = static_cast<uint64_t>(all_time_.Estimate() + 0.5);
    s.top_networks = Ranked(networks_, networks_.capacity(),
                            [](const http::SourceNet& n) { return n.ToString(); });
    s.countries = Ranked(countries_, countries_.capacity(), [](const std::string& k) { return k; });
    s.asns = Ranked(asns_, asns_.capacity(), [](const std::string& k) { return k; });
    s.memory_bytes = MemoryBytesLocked();
  }
  std::sort(s.buckets.begin(), s.buckets.end(),
            [](const BucketCounts& a, const BucketCounts& b) { return a.start_ms < b.start_ms; });
  std::sort(s.distinct_per_hour.begin(), s.distinct_per_hour.end(),
            [](const HourEstimate& a, const HourEstimate& b) { return a.start_ms < b.start_ms; });
  if (options_.geo != nullptr) {
    // The network's first address stands for it: a /24 or /48 rarely spans
    // two countries.
    for (RankedCount& n : s.top_networks) {
      boost::system::error_code ec;
      const std::string base = n.key.substr(0, n.key.find('/'));
      const auto address = boost::asio::ip::make_address(base, ec);
      if (!ec) n.country = options_.geo->Country(address);
    }
  }
  return s;
}

std::size_t SecurityTelemetry::MemoryBytes() const {
  std::lock_guard lock(mu_);
  return MemoryBytesLocked();
}

std::size_t SecurityTelemetry::MemoryBytesLocked() const {
  std::size_t bytes = sizeof(*this) + ring_.capacity() * sizeof(BucketCounts) +
                      hour_start_.capacity() * sizeof(int64_t) + all_time_.MemoryBytes() +
                      networks_.MemoryBytes() + countries_.MemoryBytes() + asns_.MemoryBytes();
  for (const HyperLogLog& h : hours_) bytes += h.MemoryBytes();
  return bytes;
}

uint64_t TelemetrySnapshot::TotalRejected() const {
  uint64_t sum = 0;
  for (const auto& lanes : totals) {
    for (uint64_t v : lanes) sum += v;
  }
  return sum;
}

uint64_t TelemetrySnapshot::TotalForReason(std::size_t reason) const {
  uint64_t sum = 0;
  for (uint64_t v : totals[reason]) sum += v;
  return sum;
}

uint64_t TelemetrySnapshot::TotalForLane(Lane lane) const {
  uint64_t sum = 0;
  for (const auto& lanes : totals) sum += lanes[static_cast<std::size_t>(lane)];
  return sum;
}

std::array<uint64_t, kReasonCount> TelemetrySnapshot::RecentByReason(int64_t seconds) const {
  std::array<uint64_t, kReasonCount> out{};
  for (const BucketCounts& b : buckets) {
    if (b.start_ms <= now_ms - seconds * 1000) continue;
    for (std::size_t r = 0; r < kReasonCount; ++r) out[r] += b.rejected[r];
  }
  return out;
}

}  // namespace acta::telemetry
