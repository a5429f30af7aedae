// Open data and the observer: the verifier's table CSV is byte-identical with
// the center's /v1/export/tables.csv, and an observer holding one acta can
// prove it is in the log and counted as it reads.
#include <gtest/gtest.h>

#include "fixture.h"
#include "terminal/http_client.h"
#include "verify/observer.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

using verify::ProblemKind;

class OpenDataTest : public DishonestFixture {
 protected:
  std::unique_ptr<http::HttpClient> Client() {
    http::HttpClientOptions co;
    co.base_url = "http://127.0.0.1:" + std::to_string(center().public_port());
    return http::HttpClient::Create(co).value();
  }
};

TEST_F(OpenDataTest, RecomputedCsvIsByteIdenticalWithTheCenters) {
  StartCenter();
  RunHonest(37, 9);
  ASSERT_EQ(Submit(ConflictingActa(3)), "conflict");
  Sequence();
  const std::string dump = Dump("dump");
  auto client = Client();
  auto served = client->Get("/v1/export/tables.csv");
  ASSERT_TRUE(served);
  ASSERT_EQ(served->status, 200);
  EXPECT_EQ(served->Header("acta-checkpoint-size"), "38");
  auto csv = verify::RecomputeTableCsv(verify::DirectoryFiles(dump), 38);
  ASSERT_TRUE(csv) << csv.error().ToString();
  EXPECT_EQ(*csv, std::string(served->BodyText()));
  // 50 tables + header; table index 3 is a conflict, 37..49 missing.
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 51);
  EXPECT_NE(csv->find(",conflict,"), std::string::npos);
  EXPECT_FALSE(verify::RecomputeTableCsv(verify::DirectoryFiles(dump), 39));
}

TEST_F(OpenDataTest, ObserverFindsItsActaCounted) {
  StartCenter();
  RunHonest(20);
  auto client = Client();
  Acta acta = HonestActa(12);
  auto w = verify::VerifyActaInLog(*client, acta);
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_TRUE(w->report.ok()) << verify::FormatReport(w->report);
  EXPECT_EQ(w->index, 12u);
  EXPECT_EQ(w->table_status, "counted");
  EXPECT_EQ(w->report.latest_size, 20u);
}

TEST_F(OpenDataTest, ObserverActaNotInTheLog) {
  StartCenter();
  RunHonest(20);
  auto client = Client();
  auto w = verify::VerifyActaInLog(*client, HonestActa(30));
  ASSERT_TRUE(w);
  ASSERT_TRUE(
      w->report.Has(ProblemKind::kInclusion, std::nullopt, HonestActa(30).body.table_id, 20));
  EXPECT_FALSE(w->index);
}

TEST_F(OpenDataTest, ObserverSeesConflictAndOtherActa) {
  StartCenter();
  RunHonest(20);
  ASSERT_EQ(Submit(ConflictingActa(4)), "conflict");
  Sequence();
  auto client = Client();
  // The second acta is in the log (index 20), but its table is conflicted.
  auto w = verify::VerifyActaInLog(*client, ConflictingActa(4));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->index, 20u);
  EXPECT_EQ(w->table_status, "conflict");
  EXPECT_TRUE(w->report.Has(ProblemKind::kTableStatus, 20, ConflictingActa(4).body.table_id, 21));
}

TEST_F(OpenDataTest, ObserverRejectsAForgedActa) {
  StartCenter();
  RunHonest(10);
  auto client = Client();
  Acta acta = HonestActa(2);
  acta.signature[0] ^= 1;
  acta.bytes[acta.bytes.size() - kSignatureSize] ^= 1;
  auto w = verify::VerifyActaInLog(*client, acta);
  ASSERT_TRUE(w);
  ASSERT_EQ(w->report.Of(ProblemKind::kEntry).size(), 1u);
  EXPECT_EQ(w->report.Of(ProblemKind::kEntry)[0]->code, ErrorCode::kBadSignature);
}

}  // namespace
}  // namespace acta::testing
