// The three views of a TelemetrySnapshot: the /v1/telemetry JSON (its shape
// is documented in docs/API.md and mirrored by web/src/types.ts), the
// Prometheus text and the per-minute log line.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "center/telemetry/telemetry.h"

namespace acta::telemetry {
namespace {

constexpr std::size_t kPrometheusTopNetworks = 10;
constexpr std::size_t kPrometheusTopCountries = 10;
constexpr int64_t kSummaryWindowSeconds = 60;

// Prometheus label values: backslash, quote and newline escaped.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

nlohmann::json RankedJson(const std::vector<RankedCount>& list, const char* key_name) {
  nlohmann::json out = nlohmann::json::array();
  for (const RankedCount& c : list) {
    nlohmann::json e = {{key_name, c.key}, {"rejected", c.count}, {"error", c.error}};
    if (c.country) e["country"] = *c.country;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::string SecurityTelemetry::TelemetryJsonOf(const TelemetrySnapshot& s) {
  nlohmann::json j;
  j["format"] = "acta-telemetry-v1";
  j["generated_at_ms"] = s.now_ms;
  j["bucket_seconds"] = s.bucket_seconds;
  j["window_seconds"] = s.window_seconds;
  j["reasons"] = kReasons;
  nlohmann::json by_reason = nlohmann::json::object();
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    by_reason[std::string(kReasons[r])] = s.TotalForReason(r);
  }
  nlohmann::json lanes = nlohmann::json::object();
  for (Lane lane : {Lane::kTerminal, Lane::kPublic, Lane::kNone}) {
    lanes[std::string(LaneName(lane))] = s.TotalForLane(lane);
  }
  j["totals"] = {{"rejected", s.TotalRejected()},
                 {"accepted", s.accepted},
                 {"distinct_sources", s.distinct_total},
                 {"by_reason", std::move(by_reason)},
                 {"by_lane", std::move(lanes)}};
  nlohmann::json buckets = nlohmann::json::array();
  for (const BucketCounts& b : s.buckets) {
    buckets.push_back(
        {{"start_ms", b.start_ms}, {"rejected", b.rejected}, {"accepted", b.accepted}});
  }
  j["buckets"] = std::move(buckets);
  nlohmann::json hours = nlohmann::json::array();
  for (const HourEstimate& h : s.distinct_per_hour) {
    hours.push_back({{"start_ms", h.start_ms}, {"estimate", h.estimate}});
  }
  j["distinct_sources_per_hour"] = std::move(hours);
  j["top_networks"] = RankedJson(s.top_networks, "network");
  j["countries"] = RankedJson(s.countries, "country");
  j["asns"] = RankedJson(s.asns, "asn");
  j["geo"] = s.geo;
  return j.dump();
}

void SecurityTelemetry::RenderPrometheusOf(const TelemetrySnapshot& s, std::string& out) {
  Header(out, "acta_rejected_total", "counter",
         "Requests rejected or shed by the center, by reason and lane.");
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    for (Lane lane : {Lane::kTerminal, Lane::kPublic, Lane::kNone}) {
      out += "acta_rejected_total{reason=\"";
      out += kReasons[r];
      out += "\",lane=\"";
      out += LaneName(lane);
      out += "\"} ";
      out += std::to_string(s.totals[r][static_cast<std::size_t>(lane)]);
      out += '\n';
    }
  }
  Header(out, "acta_attack_distinct_sources_estimate", "gauge",
         "Estimated distinct source addresses of rejected requests (HyperLogLog), in the current "
         "clock hour and since start.");
  out += "acta_attack_distinct_sources_estimate{window=\"hour\"} " +
         std::to_string(s.distinct_current_hour) + "\n";
  out += "acta_attack_distinct_sources_estimate{window=\"all\"} " +
         std::to_string(s.distinct_total) + "\n";
  // Bounded label sets: at most ten networks and ten countries, the
  // heaviest, so an attacker cannot create series at will.
  Header(out, "acta_attack_top_network_rejected", "gauge",
         "Rejections from the heaviest source networks (IPv4 /24, IPv6 /48; upper bound).");
  for (std::size_t i = 0; i < s.top_networks.size() && i < kPrometheusTopNetworks; ++i) {
    out += "acta_attack_top_network_rejected{network=\"" + LabelValue(s.top_networks[i].key) +
           "\"} " + std::to_string(s.top_networks[i].count) + "\n";
  }
  if (s.geo) {
    Header(out, "acta_attack_top_country_rejected", "gauge",
           "Rejections from the heaviest source countries (upper bound).");
    for (std::size_t i = 0; i < s.countries.size() && i < kPrometheusTopCountries; ++i) {
      out += "acta_attack_top_country_rejected{country=\"" + LabelValue(s.countries[i].key) +
             "\"} " + std::to_string(s.countries[i].count) + "\n";
    }
  }
  Header(out, "acta_telemetry_memory_bytes", "gauge", "Memory held by the security telemetry.");
  out += "acta_telemetry_memory_bytes " + std::to_string(s.memory_bytes) + "\n";
}

std::string SecurityTelemetry::OneLineSummaryOf(const TelemetrySnapshot& s) {
  const auto recent = s.RecentByReason(kSummaryWindowSeconds);
  uint64_t total = 0;
  for (uint64_t v : recent) total += v;
  if (total == 0) return "";
  std::vector<std::size_t> order;
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    if (recent[r] > 0) order.push_back(r);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return recent[a] != recent[b] ? recent[a] > recent[b] : a < b;
  });
  std::string line = "under attack: " + std::to_string(total) + " rejected in the last " +
                     std::to_string(kSummaryWindowSeconds) + " s (";
  for (std::size_t i = 0; i < order.size() && i < 4; ++i) {
    if (i > 0) line += ", ";
    line += std::string(kReasons[order[i]]) + " " + std::to_string(recent[order[i]]);
  }
  if (order.size() > 4) line += ", ...";
  line += "); ~" + std::to_string(s.distinct_current_hour) + " distinct addresses this hour";
  if (!s.top_networks.empty()) {
    line += "; top networks since start";
    for (std::size_t i = 0; i < s.top_networks.size() && i < 3; ++i) {
      line += (i == 0 ? " " : ", ") + s.top_networks[i].key + " " +
              std::to_string(s.top_networks[i].count);
      if (s.top_networks[i].country) line += " (" + *s.top_networks[i].country + ")";
    }
  }
  return line;
}

}  // namespace acta::telemetry
