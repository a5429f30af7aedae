// Parallel tabulation (verify/tabulation.h) against a real center: an
// observer's copies classified same / different / missing / invalid, the
// logged tables it does not hold, the totals side by side; and `acta
// compare` is the same over its command line (the CLI tests cover reading
// photo directories).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixture.h"
#include "terminal/http_client.h"
#include "verify/tabulation.h"

namespace acta::testing {
namespace {

using verify::Holding;

class CompareTest : public DishonestFixture {
 protected:
  verify::ClientFactory Connect() {
    const std::string url = "http://127.0.0.1:" + std::to_string(center().public_port());
    return [url] {
      http::HttpClientOptions co;
      co.base_url = url;
      return http::HttpClient::Create(co);
    };
  }
  static std::vector<uint64_t> Sum(const std::vector<Acta>& actas, size_t contest) {
    std::vector<uint64_t> out;
    for (const Acta& a : actas) {
      const ContestCounts& c = a.body.contests[contest];
      std::vector<uint64_t> v(c.candidates.begin(), c.candidates.end());
      v.push_back(c.blank);
      v.push_back(c.null_votes);
      if (out.empty()) out.assign(v.size(), 0);
      for (size_t i = 0; i < v.size(); ++i) out[i] += v[i];
    }
    return out;
  }
};

TEST_F(CompareTest, ClassifiesEveryHeldActaAndEveryLoggedTable) {
  StartCenter();
  RunHonest(10, 5);  // tables at manifest indexes 0..9 counted
  Acta forged = HonestActa(3);
  forged.bytes[forged.bytes.size() - 1] ^= 1;
  forged.signature[kSignatureSize - 1] ^= 1;
  const std::vector<verify::HeldActa> held = {
      {"a.jpg", HonestActa(0)},      {"b.jpg", HonestActa(1)},  {"b-again.jpg", HonestActa(1)},
      {"c.jpg", ConflictingActa(2)}, {"d.jpg", HonestActa(20)}, {"e.jpg", forged}};
  auto t = verify::Tabulate(Connect(), held, {}, 3);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_EQ(t->checkpoint_size, 10u);
  EXPECT_EQ(t->csv_checkpoint_size, 10u);
  EXPECT_EQ(t->Count(Holding::kSame), 2u);
  EXPECT_EQ(t->Count(Holding::kDifferent), 1u);
  EXPECT_EQ(t->Count(Holding::kMissing), 1u);
  EXPECT_EQ(t->Count(Holding::kInvalid), 1u);
  EXPECT_EQ(t->Count(Holding::kUnproven), 0u);
  // Logged and not held: 3 (only a forged copy) and 4..9.
  EXPECT_EQ(t->Count(Holding::kNotHeld), 7u);
  for (const auto& r : t->rows) {
    if (r.table_id == HonestActa(1).body.table_id) {
      EXPECT_EQ(r.sources, "b.jpg;b-again.jpg");
      EXPECT_EQ(r.holding, Holding::kSame);
      EXPECT_TRUE(r.index.has_value());
    }
    if (r.table_id == HonestActa(2).body.table_id) {
      ASSERT_EQ(r.holding, Holding::kDifferent);
      EXPECT_EQ(r.logged_leaf_hash, HexEncode(HonestActa(2).LeafHash()));
      // ConflictingActa: correction 1 and two votes moved between the first
      // two candidates of the first contest.
      ASSERT_EQ(r.differences.size(), 3u);
      EXPECT_EQ(r.differences[0], "correction: observer 1, log 0");
    }
    if (r.table_id == HonestActa(20).body.table_id) {
      EXPECT_EQ(r.holding, Holding::kMissing);
      EXPECT_EQ(r.log_status, "missing");
    }
  }
  // Totals: the observer's distinct valid actas, the log's same tables, all.
  std::vector<Acta> logged_all, logged_held = {HonestActa(0), HonestActa(1), HonestActa(2)};
  for (size_t i = 0; i < 10; ++i) logged_all.push_back(HonestActa(i));
  const std::vector<Acta> observer = {HonestActa(0), HonestActa(1), ConflictingActa(2),
                                      HonestActa(20)};
  for (size_t c = 0; c < manifest().contests.size(); ++c) {
    EXPECT_EQ(t->totals[c].observer, Sum(observer, c)) << c;
    EXPECT_EQ(t->totals[c].official_held, Sum(logged_held, c)) << c;
    EXPECT_EQ(t->totals[c].official_all, Sum(logged_all, c)) << c;
  }

  const std::string csv = verify::TabulationCsv(*t);
  EXPECT_TRUE(
      csv.starts_with("table_id,holding,sources,leaf_hash,log_index,log_status,"
                      "logged_leaf_hash,differences,detail\n"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 12);
  auto json = nlohmann::json::parse(verify::TabulationJson(*t));
  EXPECT_EQ(json["format"], "acta-compare-v1");
  EXPECT_EQ(json["summary"]["different"], 1);
  EXPECT_EQ(json["tables"].size(), 12u);
}

TEST_F(CompareTest, AConflictedTableIsDifferentForBothCopies) {
  StartCenter();
  RunHonest(5, 5);
  ASSERT_EQ(Submit(ConflictingActa(1)), "conflict");
  Sequence();
  auto t =
      verify::Tabulate(Connect(), {{"x.png", HonestActa(1)}, {"y.png", ConflictingActa(1)}}, {}, 2);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  EXPECT_EQ(t->Count(Holding::kDifferent), 2u);
  for (const auto& r : t->rows) {
    if (r.holding != Holding::kDifferent) continue;
    EXPECT_EQ(r.log_status, "conflict");
    EXPECT_NE(r.detail.find("conflict"), std::string::npos);
  }
}

}  // namespace
}  // namespace acta::testing
