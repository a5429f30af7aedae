#include "terminal/transmitter.h"

#include <gtest/gtest.h>

#include "core/signer.h"
#include "log/checkpoint.h"
#include "log/receipt_key.h"
#include "terminal/testing/fake_transport.h"
#include "terminal/testing/terminal_fixtures.h"

namespace acta::terminal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;

class TransmitterTest : public ::testing::Test {
 protected:
  Manifest m_ = acta::testing::VectorManifest();
  Acta acta_ = testing::TestActa(m_);
  Mac mac_ = ComputeMac(DeriveTransportKey(acta::testing::VectorTransportKey(), 10), acta_.bytes);
  FakeClock clock_;
  SeededRandom rng_{99};
  TransmitterOptions options_{
      BackoffPolicy{milliseconds(500), milliseconds(8'000), milliseconds(10)}};

  // Runs to completion on the fake clock; returns the delays slept.
  std::vector<int64_t> Run(Transmitter& t, FakeTransport& f, Result<Delivery>* out = nullptr) {
    std::vector<int64_t> slept;
    auto r = SendUntilDone(t, f, rng_, clock_, [&](SteadyTime until) {
      auto d = std::chrono::duration_cast<milliseconds>(until - clock_.SteadyNow());
      slept.push_back(d.count());
      clock_.Advance(d);
    });
    if (out) *out = std::move(r);
    return slept;
  }
};

TEST_F(TransmitterTest, DeliversOnFirstAcceptSendingExactBytesAndMac) {
  FakeTransport f(1);
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 1, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  EXPECT_TRUE(Run(t, f, &r).empty());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->http_status, 201);
  EXPECT_FALSE(r->conflict);
  EXPECT_EQ(r->receipt_bytes, testing::ReceiptFor(m_, acta_));
  ASSERT_EQ(f.calls.size(), 1u);
  EXPECT_EQ(f.calls[0].acta, acta_.bytes);
  ASSERT_TRUE(f.calls[0].mac.has_value());
  EXPECT_EQ(*f.calls[0].mac, mac_);
}

TEST_F(TransmitterTest, FailsOverToTheNextCenterAtOnce) {
  FakeTransport f(3);
  f.Script(0, FakeTransport::Down());
  f.Script(1, FakeTransport::Status(500, Bytes{'x'}));
  f.Script(2, FakeTransport::Status(200, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 3, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  auto slept = Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(slept.empty()) << "failover must not wait";
  ASSERT_EQ(f.calls.size(), 3u);
  EXPECT_EQ(f.calls[0].center, 0u);
  EXPECT_EQ(f.calls[1].center, 1u);
  EXPECT_EQ(f.calls[2].center, 2u);
  EXPECT_EQ(r->center, 2u);
  for (const auto& c : f.calls) EXPECT_EQ(c.acta, acta_.bytes);
}

TEST_F(TransmitterTest, BacksOffExponentiallyWithJitterAfterEachFailedRound) {
  FakeTransport f(2);
  for (int i = 0; i < 6; ++i) f.Script(0, FakeTransport::Down());
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  // Center 1 is always down.
  Transmitter t(m_, acta_, mac_, 2, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  auto slept = Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  // Six failed rounds of two attempts, then the accept: 13 calls, 6 sleeps.
  EXPECT_EQ(f.calls.size(), 13u);
  ASSERT_EQ(slept.size(), 6u);
  // The expected delays are BackoffDelay's draws from the same seed.
  SeededRandom replay(99);
  for (uint32_t i = 0; i < 6; ++i) {
    EXPECT_EQ(slept[i], BackoffDelay(options_.backoff, i + 1, replay).count()) << i;
    EXPECT_LE(slept[i], std::min<int64_t>(8'000, 500LL << i));
  }
  EXPECT_EQ(t.rounds_failed(), 6u);
}

TEST_F(TransmitterTest, HonoursRetryAfterOfTheOnlyCenter) {
  FakeTransport f(1);
  f.Script(0, FakeTransport::Status(503, {}, seconds(7)));
  f.Script(0, FakeTransport::Status(429, {}, seconds(3)));
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 1, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  auto slept = Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(slept.size(), 2u);
  EXPECT_GE(slept[0], 7'000);
  EXPECT_GE(slept[1], 3'000);
}

TEST_F(TransmitterTest, RetryAfterIsCappedByTheBackoffCap) {
  FakeTransport f(1);
  f.Script(0, FakeTransport::Status(503, {}, seconds(86'400)));
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 1, options_);
  auto slept = Run(t, f);
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_EQ(slept[0], 8'000);
}

TEST_F(TransmitterTest, AWaitingCenterIsSkippedForOneThatIsReady) {
  FakeTransport f(2);
  f.Script(0, FakeTransport::Status(429, {}, seconds(30)));
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  f.Script(1, FakeTransport::Down());
  f.Script(1, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 2, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  auto slept = Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(f.calls.size(), 3u);
  EXPECT_EQ(f.calls[2].center, 1u) << "center 0 asked to wait 30 s";
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_LT(slept[0], 30'000);
}

// A center whose key is in a token signs receipts with a receipt key its
// center key certifies; the certificate comes in Acta-Receipt-Key.
TEST_F(TransmitterTest, AReceiptByAReceiptKeyCountsWithItsCertificate) {
  const NamedSigningKey center = acta::testing::VectorCenter();
  const MemorySigner center_signer(center.key, "center");
  constexpr uint64_t kAt = 1'800'000'000'000;
  auto issued = log::IssueReceiptKey(NamedSigner{center.name, &center_signer},
                                     log::LogOrigin(m_.election_id), kAt / log::kDayMs);
  ASSERT_TRUE(issued);
  const Bytes receipt = testing::ReceiptFor(m_, acta_, kAt, issued->key);
  FakeTransport f(2);
  f.Script(0, FakeTransport::Status(201, receipt));  // without its certificate
  auto with = FakeTransport::Status(201, receipt);
  with->receipt_key = Base64Encode(AsBytes(issued->note));
  f.Script(1, with);
  Transmitter t(m_, acta_, mac_, 2, options_);
  std::vector<AttemptReport> reports;
  while (!t.done()) reports.push_back(t.Step(f, rng_, clock_.SteadyNow()));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, AttemptReport::Kind::kBadReceipt);
  EXPECT_NE(reports[0].detail.find("Acta-Receipt-Key"), std::string::npos) << reports[0].detail;
  EXPECT_EQ(reports[1].kind, AttemptReport::Kind::kDelivered) << reports[1].detail;
}

TEST_F(TransmitterTest, AReceiptThatDoesNotVerifyIsAFailureOfThatCenter) {
  FakeTransport f(4);
  const auto rogue = NamedSigningKey::From("rogue", acta::testing::FixedSeed(0x99));
  f.Script(0, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_, 1, rogue)));
  f.Script(1, FakeTransport::Status(201, testing::ReceiptFor(m_, testing::TestActa(m_, 300))));
  f.Script(2, FakeTransport::Status(201, Bytes(10, 1)));
  f.Script(3, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 4, options_);
  std::vector<AttemptReport> reports;
  while (!t.done()) reports.push_back(t.Step(f, rng_, clock_.SteadyNow()));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0].kind, AttemptReport::Kind::kBadReceipt);
  EXPECT_TRUE(reports[0].detail.starts_with("receipt signed by a key the manifest does not list"))
      << reports[0].detail;
  EXPECT_EQ(reports[1].kind, AttemptReport::Kind::kBadReceipt);
  EXPECT_EQ(reports[1].detail, "receipt is for another acta (leaf hash differs)");
  EXPECT_EQ(reports[2].kind, AttemptReport::Kind::kBadReceipt);
  EXPECT_EQ(reports[3].kind, AttemptReport::Kind::kDelivered);
  EXPECT_EQ(t.delivery()->center, 3u);
}

TEST_F(TransmitterTest, PermanentRefusalsStopAskingThatCenter) {
  FakeTransport f(2);
  f.Script(0, FakeTransport::Status(401, Bytes{'n', 'o'}));
  f.Script(1, FakeTransport::Down());
  f.Script(1, FakeTransport::Down());
  f.Script(1, FakeTransport::Status(201, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 2, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(f.calls.size(), 4u);
  for (size_t i = 1; i < f.calls.size(); ++i) EXPECT_EQ(f.calls[i].center, 1u);
}

TEST_F(TransmitterTest, FailsWhenEveryCenterRefuses) {
  FakeTransport f(2);
  f.Script(0, FakeTransport::Status(422));
  f.Script(1, FakeTransport::Status(403));
  Transmitter t(m_, acta_, mac_, 2, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  Run(t, f, &r);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kBadSignature);
  EXPECT_EQ(f.calls.size(), 2u);
}

TEST_F(TransmitterTest, ConflictEndsTheJobButIsReported) {
  FakeTransport f(1);
  f.Script(0, FakeTransport::Status(409, testing::ReceiptFor(m_, acta_)));
  Transmitter t(m_, acta_, mac_, 1, options_);
  Result<Delivery> r = MakeError(ErrorCode::kInternal, "unset");
  Run(t, f, &r);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->conflict);
  EXPECT_EQ(r->http_status, 409);
}

TEST_F(TransmitterTest, GivesUpAtTheDeadlineWithoutLosingTime) {
  FakeTransport f(1);  // always down
  Transmitter t(m_, acta_, mac_, 1, options_);
  const auto start = clock_.SteadyNow();
  auto r = SendUntilDone(
      t, f, rng_, clock_,
      [&](SteadyTime until) {
        clock_.Advance(std::chrono::duration_cast<milliseconds>(until - clock_.SteadyNow()));
      },
      {}, start + seconds(60));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(clock_.SteadyNow(), start + seconds(60));
  // With an 8 s cap, at least 60 / 8 rounds were tried.
  EXPECT_GE(f.calls.size(), 8u);
  for (const auto& c : f.calls) EXPECT_EQ(c.acta, acta_.bytes);
}

}  // namespace
}  // namespace acta::terminal
