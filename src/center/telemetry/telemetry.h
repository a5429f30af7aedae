// Security telemetry: every request the center rejects or sheds, counted by
// reason, lane and source network over time, in bounded memory whatever an
// attacker sends (DESIGN.md, "Security telemetry"). It feeds /v1/telemetry
// (the dashboard's attack view), /metrics and a per-minute log line.
//
// What is kept (sizes from TelemetryOptions):
//   - totals per reason and lane since start;
//   - a ring of `bucket_count` time buckets of `bucket_width` (default 360
//     x 10 s: the last hour) with rejections per reason and acceptances;
//   - the top-k source networks (IPv4 /24, IPv6 /48; space-saving, so each
//     count carries an error bound) and, with a GeoLookup, the top-k
//     countries and autonomous systems;
//   - a HyperLogLog of distinct source addresses per clock hour (the last
//     `hours_kept` hours) and one since start.
// Memory is fixed at construction up to the top-k indexes, which never
// exceed k entries; MemoryBytes() reports it.
//
// Thread-safety: every method may be called from any thread. Record takes
// one mutex for a few hundred nanoseconds (geolocation runs before it).
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "center/http/source_network.h"
#include "center/telemetry/geo_lookup.h"
#include "center/telemetry/hyperloglog.h"
#include "center/telemetry/space_saving.h"
#include "core/clock.h"

namespace acta::telemetry {

// The registered reasons, in the order of every per-reason array (JSON
// "reasons", TelemetrySnapshot::totals...). The first group are the ingest
// refusals (center::IngestStatusName), the second the HTTP server's
// (http::RejectReasonName), then requests for paths or methods the ingest
// listener does not serve. "other" collects any label not registered here,
// so request data can never create a label.
inline constexpr std::array<std::string_view, 21> kReasons = {"malformed",
                                                              "unsupported_version",
                                                              "wrong_election",
                                                              "unknown_table",
                                                              "bad_mac",
                                                              "bad_signature",
                                                              "rate_limited",
                                                              "overloaded",
                                                              "unavailable",
                                                              "too_many_connections",
                                                              "too_many_from_source",
                                                              "header_too_large",
                                                              "body_too_large",
                                                              "bad_request",
                                                              "header_timeout",
                                                              "body_timeout",
                                                              "tls_handshake",
                                                              "handler_timeout",
                                                              "not_found",
                                                              "method_not_allowed",
                                                              "other"};
constexpr std::size_t kReasonCount = kReasons.size();
constexpr std::size_t kOtherReason = kReasonCount - 1;

// Index of `reason` in kReasons; kOtherReason when not registered.
std::size_t ReasonIndex(std::string_view reason);

enum class Lane { kTerminal, kPublic, kNone };
constexpr std::size_t kLaneCount = 3;
// "terminal", "public", "none".
std::string_view LaneName(Lane lane);

struct TelemetryOptions {
  std::chrono::seconds bucket_width{10};  // >= 1 s
  std::size_t bucket_count = 360;         // >= 1; width * count is the series window
  std::size_t top_networks = 64;          // k of the network top-k
  std::size_t top_countries = 32;
  std::size_t top_asns = 32;
  int hll_precision = 14;       // 2^p bytes per HyperLogLog; error ~1.04/sqrt(2^p)
  std::size_t hours_kept = 24;  // hourly distinct-address estimates kept
  // Optional; must outlive the telemetry. When set, sources are also counted
  // by country and ASN, and top networks carry their country.
  const GeoLookup* geo = nullptr;
};

struct RankedCount {
  std::string key;                     // "203.0.113.0/24", "VE", "AS8048"
  uint64_t count = 0;                  // upper bound of the true count
  uint64_t error = 0;                  // count - error is a lower bound
  std::optional<std::string> country;  // networks only, with a GeoLookup
};

struct BucketCounts {
  int64_t start_ms = 0;
  std::array<uint64_t, kReasonCount> rejected{};
  uint64_t accepted = 0;
};

struct HourEstimate {
  int64_t start_ms = 0;
  uint64_t estimate = 0;
};

// Everything the exports show, copied out under the lock once.
struct TelemetrySnapshot {
  int64_t now_ms = 0;
  int64_t bucket_seconds = 0;
  int64_t window_seconds = 0;  // bucket_seconds * bucket_count
  std::array<std::array<uint64_t, kLaneCount>, kReasonCount> totals{};  // [reason][lane]
  uint64_t accepted = 0;
  // Buckets inside (now - window, now] with any count, oldest first.
  std::vector<BucketCounts> buckets;
  std::vector<RankedCount> top_networks;  // largest first
  std::vector<RankedCount> countries;
  std::vector<RankedCount> asns;
  std::vector<HourEstimate> distinct_per_hour;  // oldest first, hours with data
  uint64_t distinct_current_hour = 0;           // the hour holding now_ms
  uint64_t distinct_total = 0;                  // since start
  bool geo = false;
  std::size_t memory_bytes = 0;

  uint64_t TotalRejected() const;
  uint64_t TotalForReason(std::size_t reason) const;
  uint64_t TotalForLane(Lane lane) const;
  // Rejections in buckets starting after now_ms - seconds*1000, by reason.
  std::array<uint64_t, kReasonCount> RecentByReason(int64_t seconds) const;
};

class SecurityTelemetry {
 public:
  // `clock` must outlive the telemetry. Out-of-range options are clamped.
  explicit SecurityTelemetry(const Clock& clock, TelemetryOptions options = {});
  SecurityTelemetry(const SecurityTelemetry&) = delete;
  SecurityTelemetry& operator=(const SecurityTelemetry&) = delete;

  // Counts one rejected or shed request at the clock's current time.
  // `reason` should be one of kReasons (others count as "other").
  void Record(std::string_view reason, Lane lane, const boost::asio::ip::address& source);
  // The same at an explicit time (Unix ms). A time older than the series
  // window, or in an hour no longer kept, still counts in the totals and
  // top-k but not in the series or hourly estimate it no longer has.
  void RecordAt(std::string_view reason, Lane lane, const boost::asio::ip::address& source,
                int64_t unix_ms);
  // Counts one accepted request (for the dashboard's accepted-vs-rejected
  // series). Lane is not kept for acceptances.
  void RecordAccepted();

  TelemetrySnapshot Snapshot() const;
  TelemetrySnapshot Snapshot(int64_t now_ms) const;

  // GET /v1/telemetry body (docs/API.md, "/v1/telemetry").
  std::string TelemetryJson() const { return TelemetryJsonOf(Snapshot()); }
  std::string TelemetryJson(int64_t now_ms) const { return TelemetryJsonOf(Snapshot(now_ms)); }
  // Prometheus text: acta_rejected_total{reason,lane} and the acta_attack_*
  // gauges.
  void RenderPrometheus(std::string& out) const { RenderPrometheusOf(Snapshot(), out); }
  // One log line about the last minute, or "" when nothing was rejected in
  // it (so callers log only while under attack).
  std::string OneLineSummary() const { return OneLineSummaryOf(Snapshot()); }
  std::string OneLineSummary(int64_t now_ms) const { return OneLineSummaryOf(Snapshot(now_ms)); }

  // Bytes held by the counters, ring, sketches and indexes.
  std::size_t MemoryBytes() const;

  static std::string TelemetryJsonOf(const TelemetrySnapshot& snapshot);
  static void RenderPrometheusOf(const TelemetrySnapshot& snapshot, std::string& out);
  static std::string OneLineSummaryOf(const TelemetrySnapshot& snapshot);

 private:
  struct NetHash {
    std::size_t operator()(const http::SourceNet& net) const;
  };

  static constexpr int64_t kUnused = INT64_MIN;
  std::size_t MemoryBytesLocked() const;

  const Clock& clock_;
  const TelemetryOptions options_;
  const int64_t bucket_ms_;

  mutable std::mutex mu_;
  // All below guarded by mu_.
  std::array<std::array<uint64_t, kLaneCount>, kReasonCount> totals_{};
  uint64_t accepted_ = 0;
  // slot = (start / bucket_ms_) % bucket_count; start_ms == kUnused: empty.
  std::vector<BucketCounts> ring_;
  SpaceSaving<http::SourceNet, NetHash> networks_;
  SpaceSaving<std::string> countries_;
  SpaceSaving<std::string> asns_;
  std::vector<HyperLogLog> hours_;   // slot = hour index % hours_kept
  std::vector<int64_t> hour_start_;  // kUnused: empty
  HyperLogLog all_time_;
};

}  // namespace acta::telemetry
