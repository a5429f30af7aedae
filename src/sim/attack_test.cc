#include "sim/attack.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stop_token>

#include "center/center.h"
#include "core/random.h"
#include "sim/attack_payloads.h"
#include "sim/synth.h"

namespace acta::sim {
namespace {

using Statuses = std::map<int, uint64_t>;

TEST(AttackTargetTest, ParsesLoopbackAndOtherTargets) {
  auto t = ParseAttackTarget("http://127.0.0.1:8080");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_TRUE(t->loopback);
  t = ParseAttackTarget("http://127.9.8.7:1/");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->loopback);
  t = ParseAttackTarget("http://[::1]:9000");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 9000);
  EXPECT_TRUE(t->loopback);
  t = ParseAttackTarget("http://localhost");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, 80);
  EXPECT_TRUE(t->loopback);
  for (const char* other : {"http://192.0.2.1:80", "http://[2001:db8::1]:80",
                            "http://center.example:8080", "http://128.0.0.1:80"}) {
    t = ParseAttackTarget(other);
    ASSERT_TRUE(t) << other;
    EXPECT_FALSE(t->loopback) << other;
  }
  for (const char* bad : {"https://127.0.0.1:1", "127.0.0.1:80", "http://127.0.0.1:0",
                          "http://127.0.0.1:99999", "http://127.0.0.1:8080/v1/actas",
                          "http://::1:80", "http://[::1", "http://:80", "http://127.0.0.1:x"}) {
    t = ParseAttackTarget(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(AttackOptionsTest, ModesByName) {
  for (const char* name : {"junk", "garbage", "wrong_mac", "forged", "replay", "conflict",
                           "oversized", "slowloris", "storm", "mix"}) {
    auto m = ParseAttackMode(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(AttackModeName(*m), name);
  }
  auto bad = ParseAttackMode("ddos");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("slowloris"), std::string::npos);
}

AttackOptions Bounded(std::string target, AttackMode mode) {
  AttackOptions o;
  o.target = std::move(target);
  o.mode = mode;
  o.rate = 2000;
  o.concurrency = 4;
  o.duration = std::chrono::seconds(60);
  o.count = 20;
  o.seed = 5;
  return o;
}

TEST(AttackOptionsTest, RefusesNonLoopbackTargetsUnlessOwned) {
  // Nothing listens on TEST-NET-1; the refusal comes before any connection.
  auto r = RunAttack(Bounded("http://192.0.2.1:80", AttackMode::kJunk));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("--i-own-the-target"), std::string::npos);
  r = RunAttack(Bounded("http://center.example:80", AttackMode::kJunk));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
}

TEST(AttackOptionsTest, EveryBoundIsRequired) {
  for (int missing = 0; missing < 4; ++missing) {
    AttackOptions o = Bounded("http://127.0.0.1:9", AttackMode::kJunk);
    if (missing == 0) o.rate = 0;
    if (missing == 1) o.concurrency = 0;
    if (missing == 2) o.duration = std::chrono::milliseconds(0);
    if (missing == 3) o.count = 0;
    auto r = RunAttack(o);
    ASSERT_FALSE(r) << missing;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << missing;
  }
}

TEST(AttackOptionsTest, ElectionModesNeedTheirMaterial) {
  for (AttackMode m :
       {AttackMode::kWrongMac, AttackMode::kForged, AttackMode::kReplay, AttackMode::kConflict}) {
    auto r = RunAttack(Bounded("http://127.0.0.1:9", m));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  }
  auto material = std::make_shared<AttackMaterial>();
  EXPECT_EQ(AttackPayloads::Available(material.get()).size(), 5u);  // the election-free modes
}

TEST(AttackPayloadsTest, RequestsHaveTheShapeTheirModeNeeds) {
  AttackPayloads p(std::make_shared<AttackMaterial>(), "127.0.0.1:8080", 5'000'000,
                   std::make_unique<SeededRandom>(9));
  for (int i = 0; i < 200; ++i) {
    const AttackRequest junk = p.Build(AttackMode::kJunk);
    EXPECT_EQ(junk.mode, AttackMode::kJunk);
    EXPECT_FALSE(junk.fresh_connection);
    const size_t body = junk.bytes.find("\r\n\r\n") + 4;
    ASSERT_LT(body, junk.bytes.size());
    EXPECT_NE(static_cast<uint8_t>(junk.bytes[body]), kActaVersion);
    EXPECT_TRUE(junk.bytes.starts_with("POST /v1/actas HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
    EXPECT_NE(junk.bytes.find("Content-Length: " + std::to_string(junk.bytes.size() - body)),
              std::string::npos);

    const AttackRequest garbage = p.Build(AttackMode::kGarbage);
    EXPECT_TRUE(garbage.fresh_connection);
    EXPECT_GE(garbage.bytes[0], 1);
    EXPECT_LE(garbage.bytes[0], 8);
  }
  const AttackRequest big = p.Build(AttackMode::kOversized);
  EXPECT_EQ(big.bytes,
            "POST /v1/actas HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: "
            "application/octet-stream\r\nContent-Length: 5000000\r\n\r\n");
  const AttackRequest slow = p.Build(AttackMode::kSlowloris);
  EXPECT_EQ(slow.bytes, "POST /v1/actas HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n");
  // The dribbled bytes are header lines that never end the header.
  std::string dribble;
  for (uint64_t i = 0; i < 64; ++i) dribble += p.SlowlorisByte(i);
  EXPECT_EQ(dribble.find("\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(dribble.starts_with("X-Acta-Slow: 0\r\nX-Acta-Slow: 0\r\n"));
  // Without election material, a mix never picks an election mode, and
  // never slowloris when told not to.
  for (int i = 0; i < 200; ++i) {
    const AttackMode m = p.Build(AttackMode::kMix, /*allow_slowloris=*/false).mode;
    EXPECT_TRUE(m == AttackMode::kJunk || m == AttackMode::kGarbage ||
                m == AttackMode::kOversized || m == AttackMode::kStorm)
        << AttackModeName(m);
  }
}

TEST(AttackReportTest, FormatsATable) {
  AttackReport r;
  r.total.sent = 30;
  r.total.statuses = {{400, 20}, {401, 9}};
  r.total.errors = {{"timeout", 1}};
  r.by_mode["junk"] = AttackStats{20, {{400, 20}}, {}};
  r.by_mode["wrong_mac"] = AttackStats{10, {{401, 9}}, {{"timeout", 1}}};
  r.connections = 3;
  r.seconds = 2;
  r.stopped_by = "count";
  EXPECT_EQ(FormatAttackReport(r),
            "mode             sent  responses (status:n)  errors\n"
            "junk               20  400:20                -\n"
            "wrong_mac          10  401:9                 timeout:1\n"
            "total              30  400:20 401:9          timeout:1\n"
            "30 sent in 2.00 s (15.0/s), 3 connections opened; stopped by count\n");
}

// A real center on loopback with a 50-table synthetic election.
class AttackCenterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("acta-attack-" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    SynthOptions opts;
    opts.tables = 50;
    opts.seed = 21;
    auto synth = SynthesizeElection(opts);
    ASSERT_TRUE(synth) << synth.error().ToString();
    const std::string election = (*dir_ / "election").string();
    ASSERT_TRUE(WriteElectionDir(election, *synth));
    center::CenterOptions o;
    o.election_dir = election;
    o.db_url = "sqlite:" + (*dir_ / "center.db").string();
    o.key_file = election + "/secrets/center.key";
    o.sequencer.batch_delay = std::chrono::milliseconds(20);
    o.ingest_limits.header_timeout = std::chrono::milliseconds(300);
    o.ingest.public_budget.per_source_burst = 10'000;
    o.ingest.public_budget.global_burst = 10'000;
    auto c = center::Center::Start(o, *clock_);
    ASSERT_TRUE(c) << c.error().ToString();
    center_ = c->release();
    auto m = LoadAttackMaterial(election);
    ASSERT_TRUE(m) << m.error().ToString();
    material_ = new std::shared_ptr<const AttackMaterial>(
        std::make_shared<const AttackMaterial>(std::move(*m)));
    ASSERT_EQ((*material_)->replay_actas.size(), 50u);
    // Deliver the 50 truth actas once (new: 201), so that later replays of
    // them are replays.
    AttackOptions deliver =
        Bounded("http://127.0.0.1:" + std::to_string(center_->ingest_port()), AttackMode::kReplay);
    deliver.material = *material_;
    deliver.count = 50;
    deliver.concurrency = 1;
    auto first = RunAttack(deliver);
    ASSERT_TRUE(first) << first.error().ToString();
    ASSERT_EQ(first->total.statuses, (Statuses{{201, 50}}));
  }
  static void TearDownTestSuite() {
    if (center_ != nullptr) center_->Stop();
    delete center_;
    center_ = nullptr;
    delete material_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  AttackOptions Options(AttackMode mode) const {
    AttackOptions o = Bounded("http://127.0.0.1:" + std::to_string(center_->ingest_port()), mode);
    o.material = *material_;
    return o;
  }

  static AttackReport Run(const AttackOptions& o) {
    auto r = RunAttack(o);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : AttackReport{};
  }

  uint64_t Ingest(center::IngestStatus s) const { return center_->ingest().count(s); }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline SystemClock* clock_ = new SystemClock();
  static inline center::Center* center_ = nullptr;
  static inline std::shared_ptr<const AttackMaterial>* material_ = nullptr;
};

TEST_F(AttackCenterTest, JunkIsRefusedAsMalformed) {
  const uint64_t before =
      Ingest(center::IngestStatus::kMalformed) + Ingest(center::IngestStatus::kUnsupportedVersion);
  const AttackReport r = Run(Options(AttackMode::kJunk));
  EXPECT_EQ(r.total.sent, 20u);
  EXPECT_EQ(r.total.statuses, (Statuses{{400, 20}}));
  EXPECT_TRUE(r.total.errors.empty());
  EXPECT_EQ(r.stopped_by, "count");
  EXPECT_LE(r.connections, 4u);  // keep-alive: one connection per worker
  EXPECT_EQ(Ingest(center::IngestStatus::kMalformed) +
                Ingest(center::IngestStatus::kUnsupportedVersion) - before,
            20u);
}

TEST_F(AttackCenterTest, GarbageIsNotHttp) {
  const AttackReport r = Run(Options(AttackMode::kGarbage));
  EXPECT_EQ(r.total.statuses, (Statuses{{400, 20}}));
  EXPECT_EQ(r.connections, 20u);
}

TEST_F(AttackCenterTest, WrongMacIs401) {
  const uint64_t before = Ingest(center::IngestStatus::kBadMac);
  const AttackReport r = Run(Options(AttackMode::kWrongMac));
  EXPECT_EQ(r.total.statuses, (Statuses{{401, 20}}));
  EXPECT_EQ(Ingest(center::IngestStatus::kBadMac) - before, 20u);
}

TEST_F(AttackCenterTest, ForgedSignatureOnThePublicLaneIs403) {
  const uint64_t before = Ingest(center::IngestStatus::kBadSignature);
  const AttackReport r = Run(Options(AttackMode::kForged));
  EXPECT_EQ(r.total.statuses, (Statuses{{403, 20}}));
  EXPECT_EQ(Ingest(center::IngestStatus::kBadSignature) - before, 20u);
}

TEST_F(AttackCenterTest, ReplaysAre200AndConflicts409) {
  // SetUpTestSuite delivered the 50 truth actas; sending them again is a
  // replay (200), and differing actas for the same tables are conflicts
  // (409), kept as evidence.
  const uint64_t replays = Ingest(center::IngestStatus::kReplay);
  AttackOptions o = Options(AttackMode::kReplay);
  o.count = 30;
  AttackReport r = Run(o);
  EXPECT_EQ(r.total.statuses, (Statuses{{200, 30}}));
  EXPECT_EQ(Ingest(center::IngestStatus::kReplay) - replays, 30u);

  const uint64_t conflicts = Ingest(center::IngestStatus::kConflict);
  AttackOptions c = Options(AttackMode::kConflict);
  c.count = 10;
  r = Run(c);
  EXPECT_EQ(r.total.statuses, (Statuses{{409, 10}}));
  EXPECT_EQ(Ingest(center::IngestStatus::kConflict) - conflicts, 10u);
}

TEST_F(AttackCenterTest, OversizedBodiesAre413) {
  AttackOptions o = Options(AttackMode::kOversized);
  o.count = 10;
  const AttackReport r = Run(o);
  EXPECT_EQ(r.total.statuses, (Statuses{{413, 10}}));
  EXPECT_TRUE(r.total.errors.empty());
}

TEST_F(AttackCenterTest, SlowlorisConnectionsAreClosedByTheHeaderTimeout) {
  AttackOptions o = Options(AttackMode::kSlowloris);
  o.count = 4;
  o.concurrency = 4;
  o.slowloris_interval = std::chrono::milliseconds(20);
  const AttackReport r = Run(o);
  EXPECT_EQ(r.total.sent, 4u);
  EXPECT_EQ(r.total.statuses, (Statuses{{408, 4}}));
  EXPECT_TRUE(r.total.errors.empty());
}

TEST_F(AttackCenterTest, ConnectionStormOpensAConnectionPerRequest) {
  AttackOptions o = Options(AttackMode::kStorm);
  o.count = 30;
  o.concurrency = 8;
  const AttackReport r = Run(o);
  EXPECT_EQ(r.total.statuses, (Statuses{{200, 30}}));
  EXPECT_EQ(r.connections, 30u);
}

TEST_F(AttackCenterTest, MixUsesEveryAvailableMode) {
  AttackOptions o = Options(AttackMode::kMix);
  o.count = 200;
  o.concurrency = 8;
  o.slowloris_interval = std::chrono::milliseconds(20);
  const AttackReport r = Run(o);
  EXPECT_EQ(r.total.sent, 200u);
  EXPECT_EQ(r.total.responses(), 200u);
  // Each mode answers with its own status (forged 403: the budget is large).
  const std::map<std::string, int> expected = {
      {"junk", 400},   {"garbage", 400},   {"wrong_mac", 401}, {"forged", 403},
      {"replay", 200}, {"oversized", 413}, {"slowloris", 408}, {"storm", 200}};
  EXPECT_EQ(r.by_mode.size(), expected.size());
  uint64_t sum = 0;
  for (const auto& [mode, stats] : r.by_mode) {
    ASSERT_TRUE(expected.contains(mode)) << mode;
    EXPECT_EQ(stats.statuses, (Statuses{{expected.at(mode), stats.sent}})) << mode;
    sum += stats.sent;
  }
  EXPECT_EQ(sum, 200u);
  EXPECT_NE(FormatAttackReport(r).find("total"), std::string::npos);
}

TEST_F(AttackCenterTest, DurationBoundStopsTheRun) {
  AttackOptions o = Options(AttackMode::kJunk);
  o.rate = 20;
  o.count = 1'000'000;
  o.duration = std::chrono::milliseconds(300);
  const AttackReport r = Run(o);
  EXPECT_EQ(r.stopped_by, "duration");
  // Starts are 1/rate apart and none is at or past the duration.
  EXPECT_GE(r.total.sent, 1u);
  EXPECT_LE(r.total.sent, 7u);
  EXPECT_EQ(r.total.responses(), r.total.sent);
}

TEST_F(AttackCenterTest, CountBoundStopsTheRun) {
  AttackOptions o = Options(AttackMode::kJunk);
  o.count = 7;
  const AttackReport r = Run(o);
  EXPECT_EQ(r.stopped_by, "count");
  EXPECT_EQ(r.total.sent, 7u);
}

TEST_F(AttackCenterTest, StopTokenStopsTheRun) {
  std::stop_source stop;
  stop.request_stop();
  AttackOptions o = Options(AttackMode::kJunk);
  o.stop = stop.get_token();
  const AttackReport r = Run(o);
  EXPECT_EQ(r.stopped_by, "stop");
  EXPECT_EQ(r.total.sent, 0u);
}

}  // namespace
}  // namespace acta::sim
