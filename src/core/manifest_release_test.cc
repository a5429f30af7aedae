// The manifest's optional release hashes: round trip, their place in the
// canonical bytes (none when absent), the test vector of docs/FORMATS.md,
// the JSON rules, election.csv's release_hash rows and AddReleaseHashes.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/file.h"
#include "core/manifest.h"
#include "core/manifest_csv.h"
#include "core/random.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

using testing::VectorManifest;

// SHA-256("a") and SHA-256("b"): stand-ins for two builds' hashes.
const std::string kHashA = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
const std::string kHashB = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";

Manifest WithReleaseHashes() {
  Manifest m = VectorManifest();
  EXPECT_TRUE(AddReleaseHashes(m, {kHashA, kHashB}));
  return m;
}

TEST(ManifestReleaseTest, RoundTripAndElectionId) {
  const Manifest plain = VectorManifest();
  const Manifest m = WithReleaseHashes();
  EXPECT_NE(m.election_id, plain.election_id);
  // Absent hashes leave the canonical bytes as they were: a prefix, then
  // str "release_hashes", varint 2 and the two hashes.
  const Bytes a = plain.CanonicalBytes(), b = m.CanonicalBytes();
  ASSERT_EQ(b.size(), a.size() + 1 + 14 + 1 + 64);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  EXPECT_EQ(HexEncode(ByteSpan(b).subspan(a.size())),
            "0e" + HexEncode(AsBytes("release_hashes")) + "02" + kHashA + kHashB);
  auto parsed = ParseManifest(m.ToJson(), m.EncodeTables());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->election_id, m.election_id);
  ASSERT_EQ(parsed->release_hashes.size(), 2u);
  EXPECT_EQ(HexEncode(parsed->release_hashes[1]), kHashB);
  EXPECT_EQ(parsed->ToJson(), m.ToJson());
  EXPECT_NE(m.ToJson().find("\"release_hashes\": [\n    \"" + kHashA + "\",\n    \"" + kHashB +
                            "\"\n  ],\n  \"transport_key_ids\""),
            std::string::npos);
}

// docs/FORMATS.md, "Test vector (ManifestReleaseTest.ElectionIdTestVector)".
TEST(ManifestReleaseTest, ElectionIdTestVector) {
  EXPECT_EQ(HexEncode(WithReleaseHashes().election_id),
            "222e91572ea9c9779c4898c61b26a540f2b5a5685b9101fd812b9b96c976352f");
}

std::string Error(const std::function<void(nlohmann::ordered_json&)>& edit) {
  const Manifest m = WithReleaseHashes();
  auto j = nlohmann::ordered_json::parse(m.ToJson());
  edit(j);
  auto parsed = ParseManifest(j.dump(), m.EncodeTables());
  return parsed ? "" : parsed.error().message;
}

TEST(ManifestReleaseTest, RulesNameTheField) {
  EXPECT_EQ(Error([](auto&) {}), "");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"][1] = kHashB.substr(1); }),
            "release_hashes[1]: must be 64 lowercase hex digits (a SHA-256), not 63 characters");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"][0] = kHashA + "00"; }),
            "release_hashes[0]: must be 64 lowercase hex digits (a SHA-256), not 66 characters");
  std::string upper = kHashA;
  upper[2] = 'A';
  EXPECT_EQ(Error([&](auto& j) { j["release_hashes"][0] = upper; }),
            "release_hashes[0]: must be 64 lowercase hex digits (a SHA-256); character 3 is 'A'");
  std::string bad = kHashA;
  bad[63] = 'g';
  EXPECT_EQ(Error([&](auto& j) { j["release_hashes"][1] = bad; }),
            "release_hashes[1]: must be 64 lowercase hex digits (a SHA-256); character 64 is 'g'");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"][1] = kHashA; }),
            "release_hashes[1]: the same hash as release_hashes[0]");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"][1] = 7; }),
            "release_hashes[1]: must be a string");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"] = nlohmann::ordered_json::array(); }),
            "release_hashes: must be an array of 1..64 hashes");
  EXPECT_EQ(Error([](auto& j) { j["release_hashes"] = kHashA; }),
            "release_hashes: must be an array of 1..64 hashes");
  EXPECT_EQ(
      Error([](auto& j) {
        for (int i = 0; i < 63; ++i) {
          j["release_hashes"].push_back(HexEncode(Sha256(AsBytes("build " + std::to_string(i)))));
        }
      }),
      "release_hashes: must be an array of 1..64 hashes");
}

TEST(ManifestReleaseTest, AddReleaseHashesNamesTheHash) {
  Manifest m = VectorManifest();
  auto st = AddReleaseHashes(m, {kHashA, "xyz"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(st.error().message,
            "release hash \"xyz\": must be 64 lowercase hex digits (a SHA-256), not 3 characters");
  m = VectorManifest();
  st = AddReleaseHashes(m, {kHashA, kHashA});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "release hash " + kHashA + " is listed twice");
  m = VectorManifest();
  ASSERT_TRUE(AddReleaseHashes(m, {}));
  EXPECT_EQ(m.election_id, VectorManifest().election_id);
}

// election.csv: one release_hash row per accepted build.
TEST(ManifestReleaseTest, ElectionCsvRows) {
  const std::string examples = std::string(ACTA_SOURCE_DIR) + "/examples/election";
  const std::string dir = testing::TestDir();
  for (const auto& e : std::filesystem::directory_iterator(examples)) {
    std::filesystem::copy_file(e.path(), dir + "/" + e.path().filename().string());
  }
  auto election = ReadTextFile(dir + "/election.csv");
  ASSERT_TRUE(election);
  auto build = [&](const std::string& rows) {
    EXPECT_TRUE(WriteFileAtomic(dir + "/election.csv", *election + rows));
    SeededRandom rng(7);
    return BuildManifestFromCsv(dir, rng);
  };
  auto e = build("release_hash," + kHashA + "\nrelease_hash," + kHashB + "\n");
  ASSERT_TRUE(e) << e.error().ToString();
  ASSERT_EQ(e->manifest.release_hashes.size(), 2u);
  EXPECT_EQ(HexEncode(e->manifest.release_hashes[0]), kHashA);

  const size_t line = static_cast<size_t>(std::count(election->begin(), election->end(), '\n')) + 1;
  e = build("release_hash," + kHashA.substr(0, 40) + "\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "election.csv:" + std::to_string(line) +
                                   ": release_hash must be 64 lowercase hex digits (a SHA-256), "
                                   "not 40 characters");
  e = build("release_hash," + kHashA + "\nrelease_hash," + kHashA + "\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message,
            "the CSV files make an invalid manifest: release_hashes[1]: the same hash as "
            "release_hashes[0]");
}

}  // namespace
}  // namespace acta
