#include "center/telemetry/telemetry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/random.h"

namespace acta::telemetry {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::make_address;

constexpr int64_t kT0 = 1'800'000'000'000;  // a multiple of an hour and of 10 s

address V4(uint32_t v) { return address_v4(v); }

size_t R(std::string_view reason) { return ReasonIndex(reason); }

const RankedCount* FindNet(const std::vector<RankedCount>& list, std::string_view key) {
  for (const auto& c : list) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

// 300 bad_mac from 203.0.113.1-100 (terminal lane), 120 malformed from
// 198.51.100.7 (public), 50 header_timeout from 2001:db8:1::/48 (no lane),
// one unregistered label; spread over three 10-second buckets.
void RecordAttackMix(SecurityTelemetry& t, FakeClock& clock) {
  for (int bucket = 0; bucket < 3; ++bucket) {
    for (int i = 0; i < 100; ++i) {
      t.Record("bad_mac", Lane::kTerminal, V4(0xcb007101 + i));  // 203.0.113.1 + i
    }
    for (int i = 0; i < 40; ++i) t.Record("malformed", Lane::kPublic, make_address("198.51.100.7"));
    clock.Advance(std::chrono::seconds(10));
  }
  for (int i = 0; i < 50; ++i) {
    t.Record("header_timeout", Lane::kNone,
             make_address("2001:db8:1:" + std::to_string(i) + "::1"));
  }
  t.Record("made_up_reason", Lane::kNone, make_address("192.0.2.1"));
}

TEST(TelemetryTest, ReasonRegistry) {
  EXPECT_EQ(kReasons[ReasonIndex("bad_mac")], "bad_mac");
  EXPECT_EQ(ReasonIndex("definitely not registered"), kOtherReason);
  EXPECT_EQ(kReasons[kOtherReason], "other");
  EXPECT_EQ(LaneName(Lane::kPublic), "public");
}

TEST(TelemetryTest, CountsAKnownAttackMixExactly) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  RecordAttackMix(t, clock);
  const TelemetrySnapshot s = t.Snapshot();

  EXPECT_EQ(s.TotalRejected(), 300u + 120u + 50u + 1u);
  EXPECT_EQ(s.totals[R("bad_mac")][0], 300u);
  EXPECT_EQ(s.totals[R("bad_mac")][1], 0u);
  EXPECT_EQ(s.totals[R("malformed")][1], 120u);
  EXPECT_EQ(s.totals[R("header_timeout")][2], 50u);
  EXPECT_EQ(s.totals[kOtherReason][2], 1u);
  EXPECT_EQ(s.TotalForLane(Lane::kTerminal), 300u);
  EXPECT_EQ(s.TotalForLane(Lane::kPublic), 120u);
  EXPECT_EQ(s.TotalForLane(Lane::kNone), 51u);

  ASSERT_EQ(s.buckets.size(), 4u);
  for (int b = 0; b < 3; ++b) {
    EXPECT_EQ(s.buckets[b].start_ms, kT0 + b * 10'000);
    EXPECT_EQ(s.buckets[b].rejected[R("bad_mac")], 100u);
    EXPECT_EQ(s.buckets[b].rejected[R("malformed")], 40u);
    EXPECT_EQ(s.buckets[b].rejected[R("header_timeout")], 0u);
  }
  EXPECT_EQ(s.buckets[3].start_ms, kT0 + 30'000);
  EXPECT_EQ(s.buckets[3].rejected[R("header_timeout")], 50u);
  EXPECT_EQ(s.buckets[3].rejected[kOtherReason], 1u);

  ASSERT_EQ(s.top_networks.size(), 4u);
  EXPECT_EQ(s.top_networks[0].key, "203.0.113.0/24");
  EXPECT_EQ(s.top_networks[0].count, 300u);
  EXPECT_EQ(s.top_networks[0].error, 0u);
  EXPECT_EQ(s.top_networks[1].key, "198.51.100.0/24");
  EXPECT_EQ(s.top_networks[1].count, 120u);
  EXPECT_EQ(s.top_networks[2].key, "2001:db8:1::/48");
  EXPECT_EQ(s.top_networks[2].count, 50u);
  EXPECT_EQ(s.top_networks[3].key, "192.0.2.0/24");

  // 100 + 1 + 50 + 1 distinct addresses, all in one hour.
  ASSERT_EQ(s.distinct_per_hour.size(), 1u);
  EXPECT_EQ(s.distinct_per_hour[0].start_ms, kT0);
  EXPECT_NEAR(static_cast<double>(s.distinct_per_hour[0].estimate), 152.0, 2.0);
  EXPECT_EQ(s.distinct_current_hour, s.distinct_per_hour[0].estimate);
  EXPECT_EQ(s.distinct_total, s.distinct_current_hour);
  EXPECT_TRUE(s.countries.empty());
  EXPECT_FALSE(s.geo);
}

TEST(TelemetryTest, TopKKeepsHeavyNetworksUnderSpoofedNoise) {
  FakeClock clock(kT0);
  TelemetryOptions options;
  options.top_networks = 32;
  SecurityTelemetry t(clock, options);
  // Heavy: 10.1.1.0/24 (4000), 10.2.2.0/24 (3000), 10.3.3.0/24 (2000);
  // noise: 40,000 requests from 40,000 different /24s.
  uint64_t noise = 0;
  for (int round = 0; round < 4000; ++round) {
    t.Record("bad_mac", Lane::kTerminal, V4(0x0a010100 + round % 200));
    if (round < 3000) t.Record("bad_signature", Lane::kPublic, V4(0x0a020200 + round % 200));
    if (round < 2000) t.Record("malformed", Lane::kPublic, V4(0x0a030300 + round % 200));
    for (int i = 0; i < 10; ++i)
      t.Record("malformed", Lane::kNone, V4(0x20000000 + (noise++ << 8)));
  }
  const TelemetrySnapshot s = t.Snapshot();
  const uint64_t total = s.TotalRejected();
  ASSERT_EQ(total, 49'000u);
  ASSERT_EQ(s.top_networks.size(), 32u);
  const std::pair<const char*, uint64_t> heavy[] = {
      {"10.1.1.0/24", 4000}, {"10.2.2.0/24", 3000}, {"10.3.3.0/24", 2000}};
  for (size_t i = 0; i < 3; ++i) {
    const RankedCount* c = FindNet(s.top_networks, heavy[i].first);
    ASSERT_NE(c, nullptr) << heavy[i].first;
    EXPECT_EQ(s.top_networks[i].key, heavy[i].first);
    EXPECT_GE(c->count, heavy[i].second);
    EXPECT_LE(c->count - c->error, heavy[i].second);
    // The lower bound is useful, not just correct: above N/k.
    EXPECT_GT(c->count - c->error, total / 32);
  }
}

TEST(TelemetryTest, DistinctAddressEstimateWithinThreePercent) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  constexpr uint32_t kN = 100'000;
  for (uint32_t i = 0; i < kN; ++i) t.Record("bad_mac", Lane::kTerminal, V4(0x64400000 + i));
  // Repeats do not count.
  for (uint32_t i = 0; i < 1000; ++i) t.Record("bad_mac", Lane::kTerminal, V4(0x64400000 + i));
  const TelemetrySnapshot s = t.Snapshot();
  EXPECT_LT(std::abs(static_cast<double>(s.distinct_current_hour) - kN) / kN, 0.03)
      << s.distinct_current_hour;
}

TEST(TelemetryTest, MemoryStaysBoundedUnderAMillionSpoofedSources) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  SeededRandom rng(3);
  const auto spoofed = [&rng]() -> address {
    if (rng.Uniform(4) == 0) {
      boost::asio::ip::address_v6::bytes_type b;
      rng.Fill(b);
      b[0] = 0x20;
      return boost::asio::ip::address_v6(b);
    }
    return V4(static_cast<uint32_t>(rng.NextU64()));
  };
  for (int i = 0; i < 10'000; ++i) t.Record("bad_mac", Lane::kTerminal, spoofed());
  const size_t warm = t.MemoryBytes();
  for (int i = 0; i < 1'000'000; ++i) {
    t.Record(i % 2 ? "bad_mac" : "too_many_from_source", Lane::kTerminal, spoofed());
    if (i % 1000 == 0) clock.Advance(std::chrono::seconds(1));  // ~17 minutes of flood
  }
  const size_t after = t.MemoryBytes();
  EXPECT_EQ(after, warm);
  // Fixed bound with the default options: 25 HyperLogLogs of 16 KB, the
  // 360-bucket ring and three small top-k tables.
  EXPECT_LT(after, 600u * 1024u);
  EXPECT_EQ(t.Snapshot().memory_bytes, after);
  EXPECT_EQ(t.Snapshot().TotalRejected(), 1'010'000u);
}

TEST(TelemetryTest, BucketsRotateOutAfterTheWindow) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  const address a = make_address("203.0.113.9");
  t.Record("bad_mac", Lane::kTerminal, a);
  clock.Advance(std::chrono::seconds(3590));  // the last bucket of the hour window
  t.Record("malformed", Lane::kPublic, a);
  auto s = t.Snapshot();
  ASSERT_EQ(s.buckets.size(), 2u);
  EXPECT_EQ(s.buckets[0].start_ms, kT0);
  EXPECT_EQ(s.buckets[1].start_ms, kT0 + 3'590'000);

  clock.Advance(std::chrono::seconds(10));  // kT0's bucket is now an hour old
  s = t.Snapshot();
  ASSERT_EQ(s.buckets.size(), 1u);
  EXPECT_EQ(s.buckets[0].start_ms, kT0 + 3'590'000);
  EXPECT_EQ(s.TotalRejected(), 2u);  // totals keep everything

  // kT0 + 3600 s reuses kT0's slot: the old count is replaced, not added to.
  t.Record("bad_signature", Lane::kPublic, a);
  s = t.Snapshot();
  ASSERT_EQ(s.buckets.size(), 2u);
  EXPECT_EQ(s.buckets[1].start_ms, kT0 + 3'600'000);
  EXPECT_EQ(s.buckets[1].rejected[R("bad_signature")], 1u);
  EXPECT_EQ(s.buckets[1].rejected[R("bad_mac")], 0u);

  // A record older than the window counts in the totals only.
  t.RecordAt("bad_mac", Lane::kTerminal, a, kT0 - 5'000);
  s = t.Snapshot();
  EXPECT_EQ(s.TotalRejected(), 4u);
  EXPECT_EQ(s.buckets.size(), 2u);
  uint64_t in_series = 0;
  for (const auto& b : s.buckets) {
    for (uint64_t v : b.rejected) in_series += v;
  }
  EXPECT_EQ(in_series, 2u);
}

TEST(TelemetryTest, HourlyDistinctEstimatesRotate) {
  FakeClock clock(kT0);
  TelemetryOptions options;
  options.hours_kept = 3;
  SecurityTelemetry t(clock, options);
  for (int hour = 0; hour < 5; ++hour) {
    for (uint32_t i = 0; i < 10u * (hour + 1); ++i) {
      t.Record("bad_mac", Lane::kTerminal, V4(0x0a000000 + hour * 1000 + i));
    }
    clock.Advance(std::chrono::hours(1));
  }
  clock.Advance(std::chrono::hours(-1));
  const auto s = t.Snapshot();
  ASSERT_EQ(s.distinct_per_hour.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s.distinct_per_hour[i].start_ms, kT0 + (i + 2) * 3'600'000LL);
    EXPECT_NEAR(static_cast<double>(s.distinct_per_hour[i].estimate), 10.0 * (i + 3), 1.0);
  }
  EXPECT_NEAR(static_cast<double>(s.distinct_current_hour), 50.0, 1.0);
  EXPECT_NEAR(static_cast<double>(s.distinct_total), 150.0, 2.0);
}

TEST(TelemetryTest, ConcurrentRecordsAreAllCounted) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&t, n] {
      for (int i = 0; i < 20'000; ++i) {
        t.Record("bad_mac", n % 2 ? Lane::kTerminal : Lane::kPublic,
                 V4(0x0a000000 + n * 65536 + i));
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto s = t.Snapshot();
  EXPECT_EQ(s.totals[R("bad_mac")][0], 40'000u);
  EXPECT_EQ(s.totals[R("bad_mac")][1], 40'000u);
  ASSERT_EQ(s.buckets.size(), 1u);
  EXPECT_EQ(s.buckets[0].rejected[R("bad_mac")], 80'000u);
}

TEST(TelemetryTest, JsonHasTheDocumentedShape) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  RecordAttackMix(t, clock);
  t.RecordAccepted();
  t.RecordAccepted();
  const auto j = nlohmann::json::parse(t.TelemetryJson());
  EXPECT_EQ(j["format"], "acta-telemetry-v1");
  EXPECT_EQ(j["generated_at_ms"], kT0 + 30'000);
  EXPECT_EQ(j["bucket_seconds"], 10);
  EXPECT_EQ(j["window_seconds"], 3600);
  ASSERT_EQ(j["reasons"].size(), kReasonCount);
  EXPECT_EQ(j["reasons"][R("bad_mac")], "bad_mac");
  EXPECT_EQ(j["totals"]["rejected"], 471);
  EXPECT_EQ(j["totals"]["accepted"], 2);
  EXPECT_EQ(j["totals"]["by_reason"]["bad_mac"], 300);
  EXPECT_EQ(j["totals"]["by_reason"]["bad_signature"], 0);
  EXPECT_EQ(j["totals"]["by_lane"]["terminal"], 300);
  EXPECT_EQ(j["totals"]["by_lane"]["public"], 120);
  EXPECT_EQ(j["totals"]["by_lane"]["none"], 51);
  ASSERT_EQ(j["buckets"].size(), 4u);
  EXPECT_EQ(j["buckets"][0]["start_ms"], kT0);
  EXPECT_EQ(j["buckets"][0]["rejected"][R("bad_mac")], 100);
  EXPECT_EQ(j["buckets"][0]["accepted"], 0);
  EXPECT_EQ(j["buckets"][3]["accepted"], 2);
  EXPECT_EQ(j["buckets"][3]["rejected"].size(), kReasonCount);
  ASSERT_EQ(j["distinct_sources_per_hour"].size(), 1u);
  EXPECT_EQ(j["distinct_sources_per_hour"][0]["start_ms"], kT0);
  EXPECT_EQ(j["top_networks"][0]["network"], "203.0.113.0/24");
  EXPECT_EQ(j["top_networks"][0]["rejected"], 300);
  EXPECT_EQ(j["top_networks"][0]["error"], 0);
  EXPECT_FALSE(j["top_networks"][0].contains("country"));
  EXPECT_TRUE(j["countries"].is_array());
  EXPECT_TRUE(j["asns"].is_array());
  EXPECT_EQ(j["geo"], false);
}

TEST(TelemetryTest, PrometheusText) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  RecordAttackMix(t, clock);
  std::string out;
  t.RenderPrometheus(out);
  const std::string distinct = std::to_string(t.Snapshot().distinct_current_hour);
  EXPECT_NE(out.find("# TYPE acta_rejected_total counter\n"), std::string::npos);
  EXPECT_NE(out.find("acta_rejected_total{reason=\"bad_mac\",lane=\"terminal\"} 300\n"),
            std::string::npos);
  EXPECT_NE(out.find("acta_rejected_total{reason=\"bad_mac\",lane=\"public\"} 0\n"),
            std::string::npos);
  EXPECT_NE(out.find("acta_rejected_total{reason=\"malformed\",lane=\"public\"} 120\n"),
            std::string::npos);
  EXPECT_NE(out.find("acta_rejected_total{reason=\"other\",lane=\"none\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("acta_attack_distinct_sources_estimate{window=\"hour\"} " + distinct + "\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("acta_attack_top_network_rejected{network=\"203.0.113.0/24\"} 300\n"),
            std::string::npos);
  EXPECT_EQ(out.find("acta_attack_top_country_rejected"), std::string::npos);
  EXPECT_NE(out.find("acta_telemetry_memory_bytes "), std::string::npos);
  // One line per (reason, lane).
  size_t lines = 0;
  for (size_t p = out.find("acta_rejected_total{"); p != std::string::npos;
       p = out.find("acta_rejected_total{", p + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, kReasonCount * kLaneCount);
}

TEST(TelemetryTest, OneLineSummaryOnlyWhileUnderAttack) {
  FakeClock clock(kT0);
  SecurityTelemetry t(clock);
  EXPECT_EQ(t.OneLineSummary(), "");
  RecordAttackMix(t, clock);
  const std::string distinct = std::to_string(t.Snapshot().distinct_current_hour);
  EXPECT_EQ(t.OneLineSummary(),
            "under attack: 471 rejected in the last 60 s (bad_mac 300, malformed 120, "
            "header_timeout 50, other 1); ~" +
                distinct +
                " distinct addresses this hour; top networks since start 203.0.113.0/24 300, "
                "198.51.100.0/24 120, 2001:db8:1::/48 50");
  clock.Advance(std::chrono::seconds(60));
  EXPECT_EQ(t.OneLineSummary(), "");
}

class FakeGeo final : public GeoLookup {
 public:
  std::optional<std::string> Country(const address& a) const override {
    if (a.is_v6()) return std::nullopt;
    const auto b = a.to_v4().to_bytes();
    return b[0] == 203 ? "VE" : b[0] == 198 ? "BR" : std::optional<std::string>();
  }
  std::optional<std::string> Asn(const address& a) const override {
    if (a.is_v6()) return "AS64500";
    return a.to_v4().to_bytes()[0] == 203 ? std::optional<std::string>("AS8048") : std::nullopt;
  }
};

TEST(TelemetryTest, GeoLookupCountsCountriesAndAsns) {
  FakeClock clock(kT0);
  FakeGeo geo;
  TelemetryOptions options;
  options.geo = &geo;
  SecurityTelemetry t(clock, options);
  RecordAttackMix(t, clock);
  const auto s = t.Snapshot();
  EXPECT_TRUE(s.geo);
  ASSERT_EQ(s.countries.size(), 2u);
  EXPECT_EQ(s.countries[0].key, "VE");
  EXPECT_EQ(s.countries[0].count, 300u);
  EXPECT_EQ(s.countries[1].key, "BR");
  EXPECT_EQ(s.countries[1].count, 120u);
  ASSERT_EQ(s.asns.size(), 2u);
  EXPECT_EQ(s.asns[0].key, "AS8048");
  EXPECT_EQ(s.asns[0].count, 300u);
  EXPECT_EQ(s.asns[1].key, "AS64500");
  EXPECT_EQ(s.asns[1].count, 50u);
  EXPECT_EQ(s.top_networks[0].country, "VE");
  EXPECT_EQ(s.top_networks[2].country, std::nullopt);

  const auto j = nlohmann::json::parse(SecurityTelemetry::TelemetryJsonOf(s));
  EXPECT_EQ(j["countries"][0]["country"], "VE");
  EXPECT_EQ(j["countries"][0]["rejected"], 300);
  EXPECT_EQ(j["asns"][0]["asn"], "AS8048");
  EXPECT_EQ(j["top_networks"][0]["country"], "VE");
  EXPECT_EQ(j["geo"], true);
  std::string out;
  SecurityTelemetry::RenderPrometheusOf(s, out);
  EXPECT_NE(out.find("acta_attack_top_country_rejected{country=\"VE\"} 300\n"), std::string::npos);
}

}  // namespace
}  // namespace acta::telemetry
