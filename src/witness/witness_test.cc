// The witness against the statuses of c2sp.org/tlog-witness, its durable
// state across a restart, a rollback, and a split view.
#include "witness/witness.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/cosigned_checkpoint.h"
#include "log/hasher.h"
#include "log/merkle.h"
#include "terminal/http_client.h"
#include "verify/state.h"
#include "witness/add_checkpoint.h"
#include "witness/testing/test_log.h"
#include "witness/witness_service.h"

namespace acta::witness {
namespace {

using acta::testing::FixedSeed;
using acta::testing::VectorCenter;

constexpr std::string_view kOrigin = "acta/witness-test";

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("acta-witness-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    witness_.reset();
    state_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(const std::string& name = "w.db") {
    witness_.reset();
    state_.reset();
    state_ = WitnessState::Open((dir_ / name).string()).value();
    witness_ = std::make_unique<Witness>(
        key_, std::vector<FollowedLog>{{std::string(kOrigin), {log_.key.verifier()}}}, *state_,
        clock_);
  }
  WitnessAnswer Add(std::string_view body) { return witness_->AddCheckpoint(body); }

  std::filesystem::path dir_;
  FakeClock clock_{1'800'000'000'123};
  NamedCosignerKey key_ = NamedCosignerKey::From("witness.test/w", FixedSeed(0x61));
  testing::TestLog log_{std::string(kOrigin)};
  std::unique_ptr<WitnessState> state_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, CosignsAndServesTheLatest) {
  WitnessAnswer a = Add(log_.Body(0, 5));
  ASSERT_EQ(a.status, 200) << a.body;
  auto note = log::ParseNote(log_.Note(5) + a.body).value();
  ASSERT_EQ(note.signatures.size(), 2u);
  auto time = log::VerifyCosignature(note.text, note.signatures[1].signature, key_.verifier());
  ASSERT_TRUE(time.has_value()) << time.error().ToString();
  EXPECT_EQ(*time, 1'800'000'000u);

  // Then 5 -> 9 with a proof.
  a = Add(log_.Body(5, 9));
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string hash = HexEncode(Sha256(AsBytes(kOrigin)));
  WitnessAnswer got = witness_->LatestCheckpoint(hash);
  ASSERT_EQ(got.status, 200);
  auto served = log::VerifyCosignedCheckpoint(
      got.body, std::vector<VerifierKey>{log_.key.verifier()}, kOrigin,
      log::SignerQuorum{{log::NoteKey::Of(key_.verifier())}, 1});
  ASSERT_TRUE(served.has_value()) << served.error().ToString();
  EXPECT_EQ(served->checkpoint.size, 9u);
  EXPECT_TRUE(served->quorum);
  EXPECT_EQ(witness_->LatestCheckpoint(std::string(64, '0')).status, 404);
  EXPECT_EQ(witness_->counters().cosigned, 2u);
}

TEST_F(WitnessTest, SameSizeSameRootIsCosignedAgain) {
  ASSERT_EQ(Add(log_.Body(0, 4)).status, 200);
  EXPECT_EQ(Add(log_.Body(4, 4)).status, 200);
}

TEST_F(WitnessTest, ConflictTellsTheSize) {
  ASSERT_EQ(Add(log_.Body(0, 7)).status, 200);
  WitnessAnswer a = Add(log_.Body(0, 8));
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.content_type, "text/x.tlog.size");
  EXPECT_EQ(a.body, "7\n");
  EXPECT_EQ(ParseTreeSize(a.body).value(), 7u);
  a = Add(log_.Body(3, 8));
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body, "7\n");
}

TEST_F(WitnessTest, RollbackIsRefused) {
  ASSERT_EQ(Add(log_.Body(0, 10)).status, 200);
  // A smaller tree with old = our size: old above the checkpoint size.
  AddCheckpointRequest r;
  r.old_size = 10;
  r.checkpoint = log_.Note(6);
  EXPECT_EQ(Add(FormatAddCheckpoint(r)).status, 400);
  // The same smaller tree claiming to extend size 6: not our size.
  EXPECT_EQ(Add(log_.Body(6, 6)).status, 409);
  // Still at 10.
  EXPECT_EQ(Add(log_.Body(0, 10)).body, "10\n");
}

TEST_F(WitnessTest, StateSurvivesARestart) {
  ASSERT_EQ(Add(log_.Body(0, 12)).status, 200);
  Open();  // a new process on the same file
  WitnessAnswer a = Add(log_.Body(0, 13));
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body, "12\n");
  EXPECT_EQ(Add(log_.Body(12, 13)).status, 200);
}

TEST_F(WitnessTest, SplitViewIsRefusedAndCaught) {
  // The center shows log A to witness 1 and 2, then a different log B of
  // the same size to witness 2.
  testing::TestLog b(std::string(kOrigin), "b");
  ASSERT_EQ(Add(log_.Body(0, 5)).status, 200);
  WitnessAnswer second_root = Add(b.Body(5, 5));
  EXPECT_EQ(second_root.status, 422) << second_root.body;
  // B grown past A's size, "proven" from size 5 of B: inconsistent with A.
  WitnessAnswer extended = Add(b.Body(5, 8));
  EXPECT_EQ(extended.status, 422) << extended.body;
  EXPECT_EQ(state_->EvidenceCount(kOrigin).value(), 2u);
  EXPECT_EQ(witness_->counters().inconsistent, 2u);

  // A verifier that remembered A's checkpoint catches B's at the same size.
  verify::VerifierState holder;
  ASSERT_TRUE(holder.Remember({5, log_.At(5).root, log_.Note(5)}).has_value());
  auto caught = holder.Remember({5, b.At(5).root, b.Note(5)});
  ASSERT_FALSE(caught.has_value());
  EXPECT_EQ(caught.error().code, ErrorCode::kConflict);
}

TEST_F(WitnessTest, RefusalsWithTheirStatus) {
  EXPECT_EQ(Add("").status, 400);
  EXPECT_EQ(Add("old 01\n\n" + log_.Note(3)).status, 400);
  EXPECT_EQ(Add("old 0\n" + log_.Note(3)).status, 400);  // no empty line
  EXPECT_EQ(Add("old 0\nnot base64\n\n" + log_.Note(3)).status, 400);
  EXPECT_EQ(Add("old 0\n\nnot a note\n").status, 400);
  {
    std::string body = "old 0\n";
    for (int i = 0; i < 64; ++i) body += Base64Encode(Hash256{}) + "\n";
    EXPECT_EQ(Add(body + "\n" + log_.Note(3)).status, 400);
  }
  // Unknown origin.
  log::Checkpoint other{"acta/someone-else", 3, log_.At(3).root, {}};
  EXPECT_EQ(Add("old 0\n\n" + log::SignCheckpoint(other, log_.key)).status, 404);
  // Signed by a key the witness does not trust for the origin.
  const NamedSigningKey stranger = NamedSigningKey::From("test-center", FixedSeed(0x99));
  EXPECT_EQ(Add("old 0\n\n" + log::SignCheckpoint(log_.At(3), stranger)).status, 403);
  // A trusted key's signature that fails.
  std::string bad = log_.Note(3);
  bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Add("old 0\n\n" + bad).status, 403);
  // old > size.
  EXPECT_EQ(Add("old 4\n\n" + log_.Note(3)).status, 400);
  // A proof from size 0.
  EXPECT_EQ(Add("old 0\n" + Base64Encode(Hash256{}) + "\n\n" + log_.Note(3)).status, 422);
  // Size 0 must have the empty tree's root.
  log::Checkpoint empty{std::string(kOrigin), 0, Hash256{}, {}};
  EXPECT_EQ(Add("old 0\n\n" + log::SignCheckpoint(empty, log_.key)).status, 422);
  empty.root = log::EmptyTreeHash();
  EXPECT_EQ(Add("old 0\n\n" + log::SignCheckpoint(empty, log_.key)).status, 200);
  // A wrong proof.
  ASSERT_EQ(Add(log_.Body(0, 4)).status, 200);
  AddCheckpointRequest r;
  r.old_size = 4;
  log_.Grow(9);
  r.proof = log_.tree.ConsistencyProof(4, 9).value();
  r.proof[0][0] ^= 1;
  r.checkpoint = log_.Note(9);
  EXPECT_EQ(Add(FormatAddCheckpoint(r)).status, 422);
  r.proof.pop_back();  // wrong length
  EXPECT_EQ(Add(FormatAddCheckpoint(r)).status, 422);
  EXPECT_EQ(Add(log_.Body(4, 9)).status, 200);
}

// The service on loopback: the routes of tlog-witness over real HTTP.
TEST_F(WitnessTest, ServiceOverHttp) {
  witness_.reset();
  state_.reset();
  WitnessServiceOptions so;
  so.state_path = (dir_ / "service.db").string();
  so.logs = {{std::string(kOrigin), {log_.key.verifier()}}};
  auto service = WitnessService::Start(key_, std::move(so), clock_);
  ASSERT_TRUE(service.has_value()) << service.error().ToString();
  http::HttpClientOptions co;
  co.base_url = "http://127.0.0.1:" + std::to_string((*service)->port());
  auto client = http::HttpClient::Create(co).value();

  auto ok = client->Post("/add-checkpoint", AsBytes(log_.Body(0, 3)));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_TRUE(log::ParseNote(log_.Note(3) + std::string(ok->BodyText())).has_value());
  auto conflict = client->Post("/add-checkpoint", AsBytes(log_.Body(0, 4)));
  EXPECT_EQ(conflict->status, 409);
  EXPECT_EQ(conflict->Header("content-type"), "text/x.tlog.size");
  EXPECT_EQ(conflict->BodyText(), "3\n");
  const std::string path = "/" + HexEncode(Sha256(AsBytes(kOrigin))) + "/checkpoint";
  auto latest = client->Get(path);
  EXPECT_EQ(latest->status, 200);
  EXPECT_TRUE(latest->BodyText().starts_with(log::CheckpointText(log_.At(3))));
  EXPECT_EQ(client->Get("/add-checkpoint")->status, 405);
  EXPECT_EQ(client->Get("/nowhere")->status, 404);
  auto metrics = client->Get("/metrics");
  EXPECT_NE(metrics->BodyText().find("acta_witness_cosigned_total 1\n"), std::string::npos);
  EXPECT_NE(metrics->BodyText().find("acta_witness_conflicts_total 1\n"), std::string::npos);
  WitnessServiceOptions none;  // follows no log: refused
  none.state_path = (dir_ / "x.db").string();
  EXPECT_EQ(WitnessService::Start(key_, none, clock_).error().code, ErrorCode::kInvalidArgument);
}

// The request example of c2sp.org/tlog-witness parses as the spec reads it.
TEST(AddCheckpointFormatTest, SpecExample) {
  const std::string body =
      "old 20852014\n"
      "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      "\n"
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      "\n"
      "\xE2\x80\x94 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      "\xE2\x80\x94 example.com/behind-the-sofa "
      "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
      "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
  auto r = ParseAddCheckpoint(body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->old_size, 20852014u);
  ASSERT_EQ(r->proof.size(), 4u);
  EXPECT_EQ(Base64Encode(r->proof[3]), "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=");
  EXPECT_EQ(FormatAddCheckpoint(*r), body);
  auto note = log::ParseNote(r->checkpoint);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(log::ParseCheckpointText(note->text)->size, 20852163u);
  EXPECT_EQ(ParseTreeSize("0\n").value(), 0u);
  EXPECT_FALSE(ParseTreeSize("07\n").has_value());
  EXPECT_FALSE(ParseTreeSize("7").has_value());
}

}  // namespace
}  // namespace acta::witness
