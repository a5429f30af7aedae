// End-to-end tests of a real center over loopback HTTP: both lanes, receipts,
// proofs, replays and conflicts, every refusal code, restart, foreign store.
#include <nlohmann/json.hpp>

#include "core/receipt.h"
#include "log/checkpoint.h"
#include "log/proof.h"
#include "store/open_store.h"
#include "tests/center/center_fixture.h"

namespace acta::testing {
namespace {

using nlohmann::json;

class CenterE2eTest : public CenterFixture {};

Receipt CheckReceipt(const http::HttpResponse& r, const Manifest& m, const Acta& acta) {
  EXPECT_EQ(r.body.size(), kReceiptSize);
  auto receipt = Receipt::Decode(r.body);
  EXPECT_TRUE(receipt);
  if (!receipt) return {};
  const VerifierKey* key = m.FindCenter(receipt->center_key_id);
  EXPECT_NE(key, nullptr);
  if (key != nullptr) {
    EXPECT_TRUE(receipt->Verify(*key));
  }
  EXPECT_EQ(receipt->election_id, m.election_id);
  EXPECT_EQ(receipt->leaf_hash, acta.LeafHash());
  return *receipt;
}

TEST_F(CenterE2eTest, BothLanesGiveVerifiableReceiptsAndProofs) {
  std::vector<Acta> actas;
  for (size_t i = 0; i < kTables; ++i) {
    actas.push_back(TruthActa(i));
    auto r = Submit(actas.back().bytes, /*with_mac=*/i % 2 == 0);
    ASSERT_EQ(r.status, 201) << r.BodyText();
    EXPECT_EQ(r.Header("acta-status"), "accepted");
    CheckReceipt(r, *manifest_, actas.back());
  }
  WaitForLogSize(kTables);

  // The checkpoint is signed by a manifest center key for this election.
  auto note = Get("/checkpoint");
  ASSERT_EQ(note.status, 200);
  auto cp = log::ParseAndVerifyCheckpoint(note.BodyText(), manifest_->centers[0],
                                          log::LogOrigin(manifest_->election_id));
  ASSERT_TRUE(cp) << cp.error().ToString();
  ASSERT_EQ(cp->size, kTables);

  // Every acta has a valid inclusion proof against it.
  for (const Acta& acta : actas) {
    auto r = Get("/v1/proof/inclusion?leaf=" + HexEncode(acta.LeafHash()) +
                 "&size=" + std::to_string(cp->size));
    ASSERT_EQ(r.status, 200) << r.BodyText();
    json j = json::parse(r.BodyText());
    std::vector<Hash256> proof;
    for (const auto& h : j["hashes"]) proof.push_back(*HexDecodeFixed<32>(h.get<std::string>()));
    EXPECT_TRUE(log::VerifyInclusion(acta.LeafHash(), j["index"].get<uint64_t>(), cp->size, proof,
                                     cp->root));
  }

  // Consistency between every earlier checkpoint and the latest one.
  json checkpoints = json::parse(Get("/v1/checkpoints").BodyText());
  ASSERT_GE(checkpoints.size(), 2u);
  for (const auto& old : checkpoints) {
    uint64_t size = old["size"];
    auto r = Get("/v1/proof/consistency?from=" + std::to_string(size) +
                 "&to=" + std::to_string(cp->size));
    ASSERT_EQ(r.status, 200) << r.BodyText();
    const json body = json::parse(r.BodyText());
    std::vector<Hash256> proof;
    for (const auto& h : body["hashes"]) proof.push_back(*HexDecodeFixed<32>(h.get<std::string>()));
    EXPECT_TRUE(log::VerifyConsistency(
        size, cp->size, proof, *HexDecodeFixed<32>(old["root"].get<std::string>()), cp->root))
        << "from " << size;
  }

  // ?size=N answers that checkpoint alone, 404 for a size never signed.
  for (const auto& old : checkpoints) {
    const std::string size = std::to_string(old["size"].get<uint64_t>());
    json one = json::parse(Get("/v1/checkpoints?note=0&size=" + size).BodyText());
    ASSERT_EQ(one.size(), 1u) << size;
    EXPECT_EQ(one[0]["root"], old["root"]);
    EXPECT_EQ(one[0]["created_at_ms"], old["created_at_ms"]);
    EXPECT_FALSE(one[0].contains("note"));
  }
  EXPECT_EQ(Get("/v1/checkpoints?size=" + std::to_string(cp->size + 1)).status, 404);
  EXPECT_EQ(Get("/v1/checkpoints?size=x").status, 400);

  // The bulletin counts every table, and is tied to the checkpoint.
  json bulletin = json::parse(Get("/v1/bulletin").BodyText());
  EXPECT_EQ(bulletin["checkpoint"]["size"], kTables);
  EXPECT_EQ(bulletin["checkpoint"]["root"], HexEncode(cp->root));
  EXPECT_EQ(bulletin["regions"][0]["tables_counted"], kTables);
}

TEST_F(CenterE2eTest, ReplayReturnsTheSameReceiptAndConflictIsKept) {
  Acta first = TruthActa(3);
  auto r1 = Submit(first.bytes, true);
  ASSERT_EQ(r1.status, 201);
  auto r2 = Submit(first.bytes, false);  // replay through the public lane
  ASSERT_EQ(r2.status, 200);
  EXPECT_EQ(r2.Header("acta-status"), "replay");
  EXPECT_EQ(r1.body, r2.body);

  Acta second = TruthActa(3, /*correction=*/0, /*delta=*/-1);
  auto r3 = Submit(second.bytes, true);
  ASSERT_EQ(r3.status, 409) << r3.BodyText();
  CheckReceipt(r3, *manifest_, second);
  auto r4 = Submit(second.bytes, true);
  EXPECT_EQ(r4.status, 409);
  EXPECT_EQ(r4.body, r3.body);

  WaitForLogSize(2);
  uint32_t table_id = manifest_->tables[3].id;
  json t = json::parse(Get("/v1/tables/" + std::to_string(table_id)).BodyText());
  EXPECT_EQ(t["status"], "conflict");
  ASSERT_EQ(t["actas"].size(), 2u);
  EXPECT_EQ(t["actas"][1]["conflict"], true);
  json bulletin = json::parse(Get("/v1/bulletin").BodyText());
  EXPECT_EQ(bulletin["regions"][0]["tables_counted"], 0);
  EXPECT_EQ(bulletin["regions"][0]["tables_conflicted"], 1);
}

TEST_F(CenterE2eTest, EveryRefusalHasItsCode) {
  Acta good = TruthActa(0);
  struct Case {
    std::string name;
    Bytes body;
    bool mac;
    bool bad_mac;
    int status;
    std::string reason;
  };
  Bytes short_body(50, 1);
  Bytes version = good.bytes;
  version[0] = 9;
  Bytes election = good.bytes;
  election[5] ^= 1;
  Bytes table = good.bytes;
  table[kActaTableIdOffset] = 0x7f;
  Bytes sig = good.bytes;
  sig.back() ^= 1;
  Bytes trailing = good.bytes;
  trailing.insert(trailing.end() - kSignatureSize, 0);
  std::vector<Case> cases = {
      {"too short", short_body, true, false, 400, "malformed"},
      {"version", version, true, false, 400, "unsupported_version"},
      {"election", election, true, false, 422, "wrong_election"},
      {"table", table, false, false, 404, "unknown_table"},
      {"mac", good.bytes, true, true, 401, "bad_mac"},
      {"signature", sig, true, false, 403, "bad_signature"},
      {"trailing", trailing, false, false, 400, "malformed"},
  };
  for (const Case& c : cases) {
    auto r = Submit(c.body, c.mac, c.bad_mac);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.BodyText();
    json j = json::parse(r.BodyText(), nullptr, false);
    EXPECT_EQ(j.value("error", ""), c.reason) << c.name;
    EXPECT_FALSE(j.value("message", "").empty()) << c.name;
  }
  // Too large for the route: refused before the body is read.
  auto big = Submit(Bytes(kMaxActaSize + 1, 1), false);
  EXPECT_EQ(big.status, 413);
  // Wrong method and path.
  auto get = ingest_->Get("/v1/actas");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  // Nothing of that was stored.
  auto cp = center_->log_state().latest();
  EXPECT_EQ(cp->stored.size, 0u);
  EXPECT_EQ(center_->ingest().known_actas(), 0u);
}

// The observers' page submits on the public listener (its own origin):
// public lane only, the same receipt as the ingest listener gives, with
// CORS headers; a MAC there is refused and nothing is stored.
TEST_F(CenterE2eTest, PublicListenerTakesPublicLaneSubmissionsOnly) {
  const Acta acta = TruthActa(3);
  auto with_mac =
      public_->Post("/v1/actas", acta.bytes, {{"Acta-Mac", "AAAAAAAAAAAAAAAAAAAAAA=="}});
  ASSERT_TRUE(with_mac);
  EXPECT_EQ(with_mac->status, 400);
  EXPECT_EQ(json::parse(with_mac->BodyText()).value("error", ""), "terminal_lane_on_public");
  EXPECT_EQ(center_->ingest().known_actas(), 0u);

  auto r = public_->Post("/v1/actas", acta.bytes, {});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->BodyText();
  EXPECT_EQ(r->Header("acta-status"), "accepted");
  EXPECT_EQ(r->Header("access-control-allow-origin"), "*");
  EXPECT_EQ(r->Header("access-control-expose-headers"), "Acta-Status, Acta-Receipt-Key");
  ASSERT_EQ(r->body.size(), kReceiptSize);
  // The same acta on the ingest listener is a replay with the same receipt.
  auto again = Submit(acta.bytes, false);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r->body);
  WaitForLogSize(1);
  json t = json::parse(Get("/v1/tables/" + std::to_string(acta.body.table_id)).BodyText());
  EXPECT_EQ(t["actas"][0]["lane"], "public");
  // Reads still work beside it; other writes are still refused, those with a
  // body before it is read.
  EXPECT_EQ(Get("/checkpoint").status, 200);
  auto post = public_->Post("/v1/bulletin", Bytes{}, {});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  auto with_body = public_->Post("/v1/bulletin", acta.bytes, {});
  ASSERT_TRUE(with_body);
  EXPECT_EQ(with_body->status, 413);
}

TEST_F(CenterE2eTest, RestartReachesTheSameRootAndTotals) {
  for (size_t i = 0; i < kTables; i += 2) ASSERT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
  ASSERT_EQ(Submit(TruthActa(1, 0, -2).bytes, true).status, 201);
  ASSERT_EQ(Submit(TruthActa(1, 0, -1).bytes, true).status, 409);
  WaitForLogSize(kTables / 2 + 2);
  const std::string bulletin_before(Get("/v1/bulletin").BodyText());
  const std::string csv_before(Get("/v1/export/tables.csv").BodyText());
  const Hash256 root_before = center_->log_state().latest()->stored.root;
  const size_t checkpoints_before = center_->log_state().checkpoints().size();
  StopCenter();

  StartCenter();
  auto cp = center_->log_state().latest();
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->stored.root, root_before);
  EXPECT_EQ(center_->log_state().checkpoints().size(), checkpoints_before);
  EXPECT_EQ(std::string(Get("/v1/bulletin").BodyText()), bulletin_before);
  EXPECT_EQ(std::string(Get("/v1/export/tables.csv").BodyText()), csv_before);
  // Replays after restart still get the original receipt.
  Acta again = TruthActa(0);
  auto r = Submit(again.bytes, true);
  EXPECT_EQ(r.status, 200);
  // And old bulletins are still served, recomputed from the log.
  auto old =
      Get("/v1/bulletin?size=" + std::to_string(center_->log_state().checkpoints().front().size));
  EXPECT_EQ(old.status, 200) << old.BodyText();
}

TEST_F(CenterE2eTest, StoreOfAnotherElectionIsRefused) {
  StopCenter();
  auto store = store::OpenStore("sqlite:" + (dir_ / "other.db").string());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->Initialize(Sha256(AsBytes("another election"))));
  store->reset();
  center::CenterOptions o = Options();
  o.db_url = "sqlite:" + (dir_ / "other.db").string();
  auto c = center::Center::Start(o, clock_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition) << c.error().ToString();
}

TEST_F(CenterE2eTest, TilesServeTheLog) {
  for (size_t i = 0; i < 10; ++i) ASSERT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
  WaitForLogSize(10);
  uint64_t size = center_->log_state().latest()->stored.size;
  auto entries = Get("/tile/entries/000.p/" + std::to_string(size));
  ASSERT_EQ(entries.status, 200) << entries.BodyText();
  auto hashes = Get("/tile/0/000.p/" + std::to_string(size));
  ASSERT_EQ(hashes.status, 200);
  EXPECT_EQ(hashes.body.size(), size * 32);
  // Beyond the checkpoint: 404.
  EXPECT_EQ(Get("/tile/0/000.p/" + std::to_string(size + 1)).status, 404);
  EXPECT_EQ(Get("/tile/0/000").status, 404);
}

}  // namespace
}  // namespace acta::testing
