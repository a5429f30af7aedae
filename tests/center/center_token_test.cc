// A center whose checkpoint key is in a PKCS#11 token (SoftHSM2, issue #23):
// its checkpoints verify exactly as a key file's do, with the same verifier
// code and byte for byte the same signatures (the token holds the file key's
// seed here; Ed25519 is deterministic); its receipts are signed by a
// per-day receipt key the token's key certifies (docs/FORMATS.md, "Receipt
// key certificate"), served with each receipt and on /v1/receipt-keys; and
// every start-up error is precise and stops the center.
#include <set>
#include <thread>

#include "center/center_key.h"
#include "core/receipt.h"
#include "log/checkpoint.h"
#include "log/receipt_key.h"
#include "tests/center/center_fixture.h"
#include "tests/center/center_key_in_token.h"
#include "token/soft_token.h"
#include "verify/fetch.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

constexpr char kLabel[] = "acta-center-test";
constexpr char kPin[] = "2468";

// The system's time moved on by a settable amount (the center's timers keep
// the real monotonic clock).
class ShiftedClock final : public Clock {
 public:
  int64_t NowUnixMillis() const override { return base_.NowUnixMillis() + shift_ms_.load(); }
  std::chrono::steady_clock::time_point SteadyNow() const override { return base_.SteadyNow(); }
  void Shift(std::chrono::milliseconds d) { shift_ms_ += d.count(); }

 private:
  SystemClock base_;
  std::atomic<int64_t> shift_ms_{0};
};

class CenterTokenTest : public CenterFixture {
 protected:
  void BeforeCenter() override { CreateCenterKeyInToken(*synth_, kLabel, kPin, token_); }
  void AdjustCenter(center::CenterOptions& o) const override {
    UseCenterKeyInToken(*token_, o);
    o.receipt_key_check_interval = receipt_key_check_;
  }
  // Center::Start with `o`, which must fail; its error.
  Error StartFails(const center::CenterOptions& o) {
    auto c = center::Center::Start(o, clock_);
    EXPECT_FALSE(c) << "the center started";
    return c ? Error{} : c.error();
  }

  std::unique_ptr<token::SoftToken> token_;
  std::chrono::milliseconds receipt_key_check_{60'000};
  ShiftedClock shifted_clock_;  // outlives center_ (stopped in TearDown)
};

TEST_F(CenterTokenTest, CheckpointsAndReceiptsVerifyLikeAKeyFiles) {
  constexpr size_t kActas = 12;
  // The seven certificates (the start day's key and the six before).
  auto keys = Get(std::string(log::kReceiptKeysPath));
  ASSERT_EQ(keys.status, 200);
  log::ReceiptKeyRing ring(*manifest_);
  ASSERT_TRUE(ring.AddCertificates(keys.BodyText()));
  EXPECT_EQ(ring.certificates(), log::kReceiptKeyDays);
  for (size_t i = 0; i < kActas; ++i) {
    auto r = Submit(TruthActa(i).bytes, /*with_mac=*/i % 2 == 0);
    ASSERT_EQ(r.status, 201) << r.BodyText();
    auto receipt = Receipt::Decode(r.body);
    ASSERT_TRUE(receipt);
    // Not the center key: a receipt key, whose certificate comes along.
    EXPECT_EQ(manifest_->FindCenter(receipt->center_key_id), nullptr);
    auto cert = Base64Decode(r.Header("acta-receipt-key"));
    ASSERT_TRUE(cert) << "no Acta-Receipt-Key header";
    log::ReceiptKeyRing from_header(*manifest_);
    ASSERT_TRUE(from_header.AddCertificate(AsChars(*cert)));
    EXPECT_TRUE(from_header.Verify(*receipt));
    EXPECT_TRUE(ring.Verify(*receipt));
  }
  WaitForLogSize(kActas);
  // A restart derives the same receipt key (deterministic signatures).
  auto before = Receipt::Decode(Submit(TruthActa(0).bytes, true).body);
  StopCenter();
  StartCenter();
  auto replay = Submit(TruthActa(0).bytes, true);
  ASSERT_EQ(replay.status, 200);
  auto again = Receipt::Decode(Submit(TruthActa(kActas).bytes, true).body);
  ASSERT_TRUE(before && again);
  EXPECT_EQ(before->center_key_id, again->center_key_id);
  WaitForLogSize(kActas + 1);
  EXPECT_EQ(Get(std::string(log::kReceiptKeysPath)).BodyText(), keys.BodyText());

  auto note = Get("/checkpoint");
  ASSERT_EQ(note.status, 200);
  auto cp = log::ParseAndVerifyCheckpoint(note.BodyText(), manifest_->centers[0],
                                          log::LogOrigin(manifest_->election_id));
  ASSERT_TRUE(cp) << cp.error().ToString();
  // The very bytes the key file signs.
  EXPECT_EQ(note.BodyText(), log::SignCheckpoint(*cp, synth_->election.centers[0]));

  // The public verifier (acta verify) over everything the center serves.
  verify::MemoryFiles files;
  verify::FetchOptions fo;
  fo.center_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
  auto fetched = verify::FetchCenter(*public_, files, fo);
  ASSERT_TRUE(fetched) << fetched.error().ToString();
  verify::VerifyOptions vo;
  vo.threads = 1;
  const verify::Report report = verify::VerifyFiles(files, vo);
  EXPECT_TRUE(report.ok()) << verify::FormatReport(report);
  EXPECT_EQ(report.tables_counted, kActas + 1);
}

TEST_F(CenterTokenTest, StartUpErrorsArePreciseAndStopTheCenter) {
  StopCenter();
  center::CenterOptions o = Options();

  center::CenterOptions wrong_pin = o;
  wrong_pin.pin_file = token_->PinFile("1111");
  Error e = StartFails(wrong_pin);
  EXPECT_EQ(e.code, ErrorCode::kPermissionDenied) << e.ToString();
  EXPECT_NE(e.message.find(kLabel), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("PIN"), std::string::npos) << e.message;

  center::CenterOptions no_token = o;
  no_token.key_file =
      "pkcs11:token=no-such-token;object=center?module-path=" + token::SoftHsmModule();
  e = StartFails(no_token);
  EXPECT_EQ(e.code, ErrorCode::kUnavailable) << e.ToString();
  EXPECT_NE(e.message.find("no-such-token"), std::string::npos) << e.message;

  center::CenterOptions no_key = o;
  no_key.key_file = token_->Uri("no-such-key");
  e = StartFails(no_key);
  EXPECT_EQ(e.code, ErrorCode::kNotFound) << e.ToString();
  EXPECT_NE(e.message.find("no-such-key"), std::string::npos) << e.message;

  // A valid key in the token that the manifest does not list.
  Seed rogue{};
  rogue.fill(0x42);
  ASSERT_TRUE(token_->ImportSeed("rogue", rogue, "02"));
  center::CenterOptions not_listed = o;
  not_listed.key_file = token_->Uri("rogue");
  e = StartFails(not_listed);
  EXPECT_EQ(e.code, ErrorCode::kPermissionDenied) << e.ToString();
  EXPECT_NE(e.message.find("not one of the manifest's center keys"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find(kLabel), std::string::npos) << e.message;

  // A PIN file beside a key file is a mistake, not ignored.
  center::CenterOptions file_with_pin = o;
  file_with_pin.key_file = election_dir_ + "/secrets/center.key";
  e = StartFails(file_with_pin);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << e.ToString();

  // And the right options still start it.
  StartCenter();
  EXPECT_EQ(Get("/checkpoint").status, 200);
}

// A receipt key is certified for seven days: a center that runs across
// midnight moves to the new day's key (without a restart), serves its
// certificate beside the older ones, and receipts of every day verify.
TEST_F(CenterTokenTest, MovesToEachNewDaysReceiptKeyAndKeepsServingTheOldOnes) {
  ShiftedClock& clock = shifted_clock_;
  StopCenter();
  receipt_key_check_ = std::chrono::milliseconds(20);
  center_clock_ = &clock;
  StartCenter();
  auto receipt_keys = [&] {
    log::ReceiptKeyRing ring(*manifest_);
    auto keys = Get(std::string(log::kReceiptKeysPath));
    EXPECT_EQ(keys.status, 200);
    EXPECT_TRUE(ring.AddCertificates(keys.BodyText()));
    return ring;
  };
  std::vector<Receipt> receipts;
  std::set<uint32_t> key_ids;
  constexpr size_t kDays = 9;  // past the seven days of the start day's key
  for (size_t day = 0; day < kDays; ++day) {
    if (day > 0) {
      clock.Shift(std::chrono::hours(24));
      // The check runs every 20 ms; bounded wait for the new certificate.
      const size_t want = log::kReceiptKeyDays + day;
      for (int i = 0; i < 250 && receipt_keys().certificates() < want; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ASSERT_EQ(receipt_keys().certificates(), want) << "day " << day;
    }
    auto r = Submit(TruthActa(day).bytes, /*with_mac=*/true);
    ASSERT_EQ(r.status, 201) << r.BodyText();
    auto receipt = Receipt::Decode(r.body);
    ASSERT_TRUE(receipt);
    // Signed by this day's key, whose certificate comes in the header.
    log::ReceiptKeyRing from_header(*manifest_);
    auto cert = Base64Decode(r.Header("acta-receipt-key"));
    ASSERT_TRUE(cert);
    ASSERT_TRUE(from_header.AddCertificate(AsChars(*cert)));
    EXPECT_TRUE(from_header.Verify(*receipt)) << "day " << day;
    const uint64_t today = static_cast<uint64_t>(clock.NowUnixMillis()) / log::kDayMs;
    EXPECT_NE(AsChars(*cert).find("/receipts/" + std::to_string(today) + "+"),
              std::string_view::npos)
        << AsChars(*cert);
    key_ids.insert(receipt->center_key_id);
    receipts.push_back(*receipt);
  }
  EXPECT_EQ(key_ids.size(), kDays);
  // Every receipt, including the first day's (its key's seven days are over
  // now), verifies against what the center serves: receipts are judged at
  // their own time.
  const log::ReceiptKeyRing ring = receipt_keys();
  for (size_t i = 0; i < receipts.size(); ++i) EXPECT_TRUE(ring.Verify(receipts[i])) << i;
  WaitForLogSize(kDays);
  // A restart on the last day signs with that day's key again (derived,
  // not stored) and serves the seven certificates of its start.
  StopCenter();
  StartCenter();
  auto again = Receipt::Decode(Submit(TruthActa(kDays).bytes, true).body);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->center_key_id, receipts.back().center_key_id);
}

// The token pulled out of a running center: receipts go on (their key is in
// memory) and the checkpoint stays where it was, since nothing can sign a
// new one; once the token is back the next checkpoint covers everything
// receipted meanwhile, and it verifies as any other.
TEST_F(CenterTokenTest, ATokenPulledOutHoldsTheCheckpointNotTheReceipts) {
  auto checkpoint_size = [&]() -> uint64_t {
    auto note = Get("/checkpoint");
    if (note.status != 200) return 0;
    auto cp = log::ParseAndVerifyCheckpoint(note.BodyText(), manifest_->centers[0],
                                            log::LogOrigin(manifest_->election_id));
    EXPECT_TRUE(cp) << cp.error().ToString();
    return cp ? cp->size : 0;
  };
  for (size_t i = 0; i < 4; ++i) ASSERT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
  WaitForLogSize(4);
  ASSERT_EQ(checkpoint_size(), 4u);

  ASSERT_TRUE(token_->Unplug());
  log::ReceiptKeyRing ring(*manifest_);
  ASSERT_TRUE(ring.AddCertificates(Get(std::string(log::kReceiptKeysPath)).BodyText()));
  for (size_t i = 4; i < 8; ++i) {
    auto r = Submit(TruthActa(i).bytes, true);
    ASSERT_EQ(r.status, 201) << r.BodyText();
    auto receipt = Receipt::Decode(r.body);
    ASSERT_TRUE(receipt);
    EXPECT_TRUE(ring.Verify(*receipt));
  }
  // Many sequencer rounds (20 ms batches): none may publish.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(checkpoint_size(), 4u);

  ASSERT_TRUE(token_->PlugBackIn());
  uint64_t size = 0;
  for (int i = 0; i < 500 && size < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    size = checkpoint_size();
  }
  EXPECT_EQ(size, 8u) << "no checkpoint after the token came back";
}

}  // namespace
}  // namespace acta::testing
