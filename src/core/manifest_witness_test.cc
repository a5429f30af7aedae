// The manifest's optional witness policy: round trip, its place in the
// canonical bytes (none when absent), and the rules of its JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/manifest.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

using testing::FixedSeed;
using testing::VectorManifest;

ManifestWitness W(uint8_t seed, std::string name) {
  auto key = NamedCosignerKey::From("w" + std::to_string(seed) + ".example/1", FixedSeed(seed));
  return ManifestWitness{std::move(name), key.verifier(),
                         "https://w" + std::to_string(seed) + ".example"};
}

Manifest WithWitnesses() {
  Manifest m = VectorManifest();
  m.witnesses = {W(0x51, "Party A"), W(0x52, "Party B"), W(0x53, "University")};
  m.witness_quorum = 2;
  m.Finalize();
  return m;
}

TEST(ManifestWitnessTest, RoundTripAndElectionId) {
  const Manifest plain = VectorManifest();
  const Manifest m = WithWitnesses();
  EXPECT_NE(m.election_id, plain.election_id);
  // Absent witnesses leave the canonical bytes as they were: a prefix.
  const Bytes a = plain.CanonicalBytes(), b = m.CanonicalBytes();
  ASSERT_GT(b.size(), a.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  auto parsed = ParseManifest(m.ToJson(), m.EncodeTables());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->election_id, m.election_id);
  ASSERT_EQ(parsed->witnesses.size(), 3u);
  EXPECT_EQ(parsed->witnesses[2].name, "University");
  EXPECT_EQ(parsed->witnesses[2].key.ToString(), m.witnesses[2].key.ToString());
  EXPECT_EQ(parsed->witnesses[2].url, "https://w83.example");
  EXPECT_EQ(parsed->witness_quorum, 2u);
  EXPECT_EQ(parsed->ToJson(), m.ToJson());
}

std::string Error(const std::function<void(nlohmann::ordered_json&)>& edit) {
  const Manifest m = WithWitnesses();
  auto j = nlohmann::ordered_json::parse(m.ToJson());
  edit(j);
  auto parsed = ParseManifest(j.dump(), m.EncodeTables());
  return parsed ? "" : parsed.error().message;
}

TEST(ManifestWitnessTest, RulesNameTheField) {
  EXPECT_EQ(Error([](auto&) {}), "");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["quorum"] = 0; }),
            "witnesses.quorum: must be 1..3 (the number of witnesses listed)");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["quorum"] = 4; }),
            "witnesses.quorum: must be 1..3 (the number of witnesses listed)");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["list"][1]["name"] = "Party A"; }),
            "witnesses.list[1].name: duplicate name \"Party A\"");
  EXPECT_EQ(
      Error([](auto& j) { j["witnesses"]["list"][2]["vkey"] = j["witnesses"]["list"][0]["vkey"]; }),
      "witnesses.list[2].vkey: the same key as witness \"Party A\"");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["list"][0]["url"] = "ftp://x"; }),
            "witnesses.list[0].url: must start with http:// or https://");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["list"] = nlohmann::ordered_json::array(); }),
            "witnesses.list: must be an array of 1..32 witnesses");
  EXPECT_EQ(Error([](auto& j) { j["witnesses"]["extra"] = 1; }), "witnesses.extra: unknown field");
  // A center (0x01) key where a witness key belongs.
  std::string center = VectorManifest().centers[0].ToString();
  EXPECT_NE(Error([&](auto& j) {
              j["witnesses"]["list"][0]["vkey"] = center;
            }).find("witnesses.list[0].vkey: witness verifier key: key data must be 0x04"),
            std::string::npos);
}

}  // namespace
}  // namespace acta
