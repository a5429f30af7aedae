#include "core/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

using testing::TestDir;
using testing::VectorAuthority;
using testing::VectorManifest;
using OJson = nlohmann::ordered_json;

// The election id of VectorManifest(): the test vector in docs/FORMATS.md.
constexpr char kVectorElectionId[] =
    "bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e";

// Its canonical bytes, in full (docs/FORMATS.md, "Canonical bytes").
constexpr char kVectorCanonicalHex[] =
    "10616374612d6d616e69666573742d76310d5465737420456c656374696f6e000000006b146d4000"
    "0000006b14c1a00e746573742d617574686f72697479bc7cbcb5636375fa1d82434d466724d92377"
    "f53b980695dd49d26d0ce12205a5010b746573742d63656e746572acdcc8494d458f44a7aaac1d6a"
    "84ec624daee88436db2ae26e67ba645a106228011038646435386666616337396162303135020970"
    "7265736964656e7409507265736964656e74030270310a416e612050c3a972657a07506172747920"
    "410270320b4272756e6f2044c3ad617a07506172747920420270330a4361726c61205275697a0005"
    "6d61796f72054d61796f7202026d3108446f72612047696c0750617274792041026d3209456d696c"
    "20536f746f07506172747920430602585808546573746c616e6400000558582d3031054e6f727468"
    "01010858582d30312d303106486172626f7202020b58582d30312d30312d3031084f6c6420546f77"
    "6e03030f58582d30312d30312d30312d3030310a5363686f6f6c204f6e6504040f58582d30312d30"
    "312d30312d3030320a5363686f6f6c2054776f040403279dfb27e1216533742ed36449010c4f049a"
    "cf76b4e606790ea2e83a3f1ea53d";

std::string Bytes2Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(ManifestTest, ElectionIdTestVector) {
  Manifest m = VectorManifest();
  EXPECT_EQ(HexEncode(m.election_id), kVectorElectionId);
  EXPECT_EQ(HexEncode(m.CanonicalBytes()), kVectorCanonicalHex);
  EXPECT_EQ(m.election_id, Sha256(m.CanonicalBytes()));
  EXPECT_EQ(HexEncode(Sha256(m.EncodeTables())), HexEncode(m.tables_sha256));
}

TEST(ManifestTest, CanonicalBytesStartAsDocumented) {
  Bytes b = VectorManifest().CanonicalBytes();
  // varint(16) "acta-manifest-v1" varint(13) "Test Election" u64 not_before ...
  std::string expect =
      "\x10"
      "acta-manifest-v1"
      "\x0d"
      "Test Election";
  ASSERT_GT(b.size(), expect.size() + 16);
  EXPECT_EQ(Bytes2Str(Bytes(b.begin(), b.begin() + expect.size())), expect);
  EXPECT_EQ(LoadU64(b.data() + expect.size()), 1796500800u);
  EXPECT_EQ(LoadU64(b.data() + expect.size() + 8), 1796522400u);
  // Ends with varint(3 tables) and the tables.bin hash.
  Manifest m = VectorManifest();
  EXPECT_EQ(b[b.size() - 33], 3);
  EXPECT_TRUE(std::equal(m.tables_sha256.begin(), m.tables_sha256.end(), b.end() - 32));
}

TEST(ManifestTest, TablesBinLayout) {
  Manifest m = VectorManifest();
  Bytes t = m.EncodeTables();
  ASSERT_EQ(t.size(), 3 * kTableRecordSize);
  EXPECT_EQ(HexEncode(ByteSpan(t).first(14)),
            "0000000a"
            "00000004"
            "000001f4"
            "0000");
  EXPECT_TRUE(std::equal(m.tables[0].key.begin(), m.tables[0].key.end(), t.begin() + 14));
}

TEST(ManifestTest, JsonRoundTrip) {
  Manifest m = VectorManifest();
  std::string json = m.ToJson();
  auto parsed = ParseManifest(json, m.EncodeTables());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->election_id, m.election_id);
  EXPECT_EQ(parsed->CanonicalBytes(), m.CanonicalBytes());
  EXPECT_EQ(parsed->EncodeTables(), m.EncodeTables());
  EXPECT_EQ(parsed->ToJson(), json);
  EXPECT_EQ(parsed->regions[5].parent, 3);
  EXPECT_EQ(parsed->contests[0].candidates[1].name, "Bruno Díaz");
}

TEST(ManifestTest, Lookups) {
  Manifest m = VectorManifest();
  ASSERT_NE(m.FindTable(11), nullptr);
  EXPECT_EQ(m.FindTable(11)->registered, 480u);
  EXPECT_EQ(m.FindTable(13), nullptr);
  EXPECT_EQ(m.FindTable(9), nullptr);
  EXPECT_EQ(m.FindRegion("XX-01-01"), 2);
  EXPECT_EQ(m.FindRegion("XX-02"), -1);
  EXPECT_NE(m.FindCenter(m.centers[0].key_id), nullptr);
  EXPECT_EQ(m.FindCenter(m.centers[0].key_id + 1), nullptr);
}

TEST(ManifestTest, Timestamps) {
  EXPECT_EQ(FormatUtcTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcTimestamp(1796500800), "2026-12-05T20:00:00Z");
  EXPECT_EQ(FormatUtcTimestamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(ParseUtcTimestamp("2026-12-05T20:00:00Z").value(), 1796500800u);
  EXPECT_EQ(ParseUtcTimestamp("2000-02-29T00:00:00Z").value(), 951782400u);
  for (const char* bad : {"2026-12-06T20:00:00", "2026-12-06 20:00:00Z", "2026-12-06T20:00:00.5Z",
                          "2026-12-06T20:00:00+00:00", "2026-13-01T00:00:00Z",
                          "1900-02-29T00:00:00Z", "2001-02-29T00:00:00Z", "2026-12-06T24:00:00Z",
                          "2026-12-06T20:00:60Z", "2026-12-6T20:00:00Z", "2026-12-06t20:00:00z"}) {
    auto t = ParseUtcTimestamp(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kMalformed);
  }
}

TEST(ManifestTest, WriteThenLoad) {
  const std::string dir = TestDir();
  Manifest m = VectorManifest();
  ASSERT_TRUE(WriteManifest(dir, m, VectorAuthority()));
  auto loaded = LoadManifest(dir);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->election_id, m.election_id);
  EXPECT_EQ(loaded->ToJson(), m.ToJson());

  LoadOptions pinned;
  pinned.pinned_authority = VectorAuthority().verifier();
  pinned.expected_election_id = m.election_id;
  EXPECT_TRUE(LoadManifest(dir, pinned));

  LoadOptions other_pin;
  other_pin.pinned_authority = testing::VectorCenter().verifier();
  auto r = LoadManifest(dir, other_pin);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadSignature);
  EXPECT_NE(r.error().message.find("is not the pinned authority"), std::string::npos);

  LoadOptions other_id;
  other_id.expected_election_id = Hash256{};
  r = LoadManifest(dir, other_id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kWrongElection);

  auto missing = LoadManifest(dir + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(ManifestTest, WriteRefusesWrongAuthority) {
  auto s = WriteManifest(TestDir(), VectorManifest(), testing::VectorCenter());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir();
    ASSERT_TRUE(WriteManifest(dir_, VectorManifest(), VectorAuthority()));
  }
  std::string Path(const char* f) const { return dir_ + "/" + f; }
  void Rewrite(const char* file, std::string from, std::string to) {
    std::string text = ReadTextFile(Path(file)).value();
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    ASSERT_TRUE(WriteFileAtomic(Path(file), text));
  }
  void ExpectError(ErrorCode code, const std::string& fragment) {
    auto r = LoadManifest(dir_);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
  }
  std::string dir_;
};

TEST_F(TamperTest, TamperedName) {
  Rewrite("manifest.json", "Test Election", "Test Electiom");
  ExpectError(ErrorCode::kBadSignature,
              "manifest.sig: signature does not verify with the authority key test-authority+");
}

TEST_F(TamperTest, TamperedTablesBin) {
  Bytes t = ReadFile(Path("tables.bin")).value();
  t[8 + 3] ^= 1;  // registered voters of table 10
  ASSERT_TRUE(WriteFileAtomic(Path("tables.bin"), t));
  ExpectError(ErrorCode::kMalformed, "tables.bin: SHA-256 ");
}

TEST_F(TamperTest, TamperedSignature) {
  std::string sig = ReadTextFile(Path("manifest.sig")).value();
  ASSERT_EQ(sig.size(), 8 + 1 + 88 + 1u);
  sig[20] = sig[20] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(WriteFileAtomic(Path("manifest.sig"), sig));
  ExpectError(ErrorCode::kBadSignature, "signature does not verify");
}

TEST_F(TamperTest, SignatureByAnotherKey) {
  ASSERT_TRUE(WriteFileAtomic(Path("manifest.sig"),
                              SignManifest(VectorManifest(), testing::VectorCenter())));
  ExpectError(ErrorCode::kBadSignature, "manifest.sig: signed by key id ");
}

TEST_F(TamperTest, MalformedSignatureFile) {
  ASSERT_TRUE(WriteFileAtomic(Path("manifest.sig"), "hello\n"));
  ExpectError(ErrorCode::kMalformed,
              "manifest.sig: expected \"<8 hex key id> <base64 signature>\"");
  ASSERT_TRUE(
      WriteFileAtomic(Path("manifest.sig"),
                      SignManifest(VectorManifest(), VectorAuthority()).substr(0, 20) + "\n"));
  ExpectError(ErrorCode::kMalformed, "manifest.sig: signature must be base64 of 64 bytes");
}

}  // namespace
}  // namespace acta
