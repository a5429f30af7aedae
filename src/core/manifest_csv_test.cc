#include "core/manifest_csv.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

const std::string kExamples = std::string(ACTA_SOURCE_DIR) + "/examples/election";

// Copies the examples into a scratch dir, replacing one file's text.
std::string ExamplesWith(const std::string& file, const std::string& text) {
  std::string dir = testing::TestDir();
  for (const auto& e : std::filesystem::directory_iterator(kExamples)) {
    std::filesystem::copy_file(e.path(), dir + "/" + e.path().filename().string());
  }
  if (!file.empty()) {
    EXPECT_TRUE(WriteFileAtomic(dir + "/" + file, text));
  }
  return dir;
}

void ExpectCsvError(const std::string& file, const std::string& text, const std::string& message) {
  SeededRandom rng(1);
  auto r = BuildManifestFromCsv(ExamplesWith(file, text), rng);
  ASSERT_FALSE(r) << "accepted " << file;
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << r.error().ToString();
  EXPECT_EQ(r.error().message, message);
}

// witnesses.csv (name,vkey,url) with election.csv's witness_quorum: the
// manifest's witness policy; one without the other is refused.
TEST(ManifestCsvTest, WitnessesAndQuorum) {
  const auto w1 = NamedCosignerKey::From("w1.example/1", testing::FixedSeed(0x61)).verifier();
  const auto w2 = NamedCosignerKey::From("w2.example/1", testing::FixedSeed(0x62)).verifier();
  const std::string csv = "name,vkey,url\nParty A," + w1.ToString() +
                          ",https://w1.example\nUniversity," + w2.ToString() +
                          ",http://w2.example:7380/w\n";
  std::string dir = ExamplesWith("witnesses.csv", csv);
  auto election = ReadFile(dir + "/election.csv");
  ASSERT_TRUE(election);
  ASSERT_TRUE(WriteFileAtomic(dir + "/election.csv",
                              std::string(AsChars(*election)) + "witness_quorum,2\n"));
  SeededRandom rng(7);
  auto e = BuildManifestFromCsv(dir, rng);
  ASSERT_TRUE(e) << e.error().ToString();
  ASSERT_EQ(e->manifest.witnesses.size(), 2u);
  EXPECT_EQ(e->manifest.witnesses[1].name, "University");
  EXPECT_EQ(e->manifest.witnesses[1].key.ToString(), w2.ToString());
  EXPECT_EQ(e->manifest.witnesses[1].url, "http://w2.example:7380/w");
  EXPECT_EQ(e->manifest.witness_quorum, 2u);

  ExpectCsvError("witnesses.csv", csv,
                 "election.csv: witnesses.csv lists witnesses but witness_quorum is missing");
}

TEST(ManifestCsvTest, ImportsExamples) {
  SeededRandom rng(7);
  auto e = BuildManifestFromCsv(kExamples, rng);
  ASSERT_TRUE(e) << e.error().ToString();
  const Manifest& m = e->manifest;
  EXPECT_EQ(m.name, "Example Republic General Election 2026");
  EXPECT_EQ(FormatUtcTimestamp(m.polls_close_not_before), "2026-12-06T22:00:00Z");
  EXPECT_EQ(m.regions.size(), 16u);
  EXPECT_EQ(m.regions[11].name, "Liceo \"Andrés Bello\"");
  EXPECT_EQ(m.tables.size(), 12u);
  EXPECT_EQ(m.contests.size(), 2u);
  EXPECT_EQ(m.contests[0].candidates.size(), 4u);
  EXPECT_EQ(m.contests[1].candidates[2].party, "Movimiento Verde");
  ASSERT_EQ(e->centers.size(), 2u);
  EXPECT_EQ(m.centers[1].name, "example-center-backup");
  ASSERT_EQ(e->table_seeds.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(SigningKey::FromSeed(e->table_seeds[i]).public_key(), m.tables[i].key);
  }
  // Deterministic from the random stream.
  SeededRandom again(7);
  EXPECT_EQ(BuildManifestFromCsv(kExamples, again)->manifest.election_id, m.election_id);

  // And the election directory it makes loads back.
  std::string dir = testing::TestDir("-out");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteElectionDir(dir, *e));
  auto loaded = LoadManifest(dir);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->election_id, m.election_id);
}

TEST(ManifestCsvTest, GivenPublicKeysAreKeptAndTablesSorted) {
  std::string keyed = "id,region,registered,public_key\n";
  PublicKey k1 = SigningKey::FromSeed(testing::FixedSeed(1)).public_key();
  PublicKey k2 = SigningKey::FromSeed(testing::FixedSeed(2)).public_key();
  keyed += "7,EX-01-01-01-001,100," + Base64Encode(k2) + "\n";
  keyed += "3,EX-02-01-01-002,200," + Base64Encode(k1) + "\r\n";
  SeededRandom rng(1);
  auto e = BuildManifestFromCsv(ExamplesWith("tables.csv", keyed), rng);
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_TRUE(e->table_seeds.empty());
  ASSERT_EQ(e->manifest.tables.size(), 2u);
  EXPECT_EQ(e->manifest.tables[0].id, 3u);
  EXPECT_EQ(e->manifest.tables[0].key, k1);
  EXPECT_EQ(e->manifest.tables[1].key, k2);
}

// election.csv with the example's header rows and these center rows.
std::string ElectionCsvWithCenters(const std::vector<std::string>& centers) {
  std::string csv =
      "key,value\nname,Example Republic General Election 2026\n"
      "polls_close_not_before,2026-12-06T22:00:00Z\npolls_close_not_after,2026-12-07T06:00:00Z\n"
      "authority,example-authority\n";
  for (const std::string& c : centers) csv += "center," + c + "\n";
  return csv;
}

// A center row may give a vkey (a key generated in a token: its private key
// exists nowhere else): the manifest lists it as is, and init writes no
// secret for it; the generated ones keep the file of their manifest position.
TEST(ManifestCsvTest, CenterGivenAsAVkeyIsListedAsIsWithNoSecret) {
  const NamedSigningKey token_key = NamedSigningKey::From("center-hsm", testing::FixedSeed(0x77));
  const std::string vkey = token_key.verifier().ToString();
  SeededRandom rng(3);
  auto e = BuildManifestFromCsv(
      ExamplesWith("election.csv", ElectionCsvWithCenters({vkey, "example-center-backup"})), rng);
  ASSERT_TRUE(e) << e.error().ToString();
  const Manifest& m = e->manifest;
  ASSERT_EQ(m.centers.size(), 2u);
  EXPECT_EQ(m.centers[0].ToString(), vkey);
  EXPECT_EQ(m.centers[1].name, "example-center-backup");
  // Only the generated key is material to write.
  ASSERT_EQ(e->centers.size(), 1u);
  EXPECT_EQ(e->centers[0].verifier().ToString(), m.centers[1].ToString());

  const std::string dir = testing::TestDir("-given");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteElectionDir(dir, *e));
  EXPECT_FALSE(std::filesystem::exists(dir + "/secrets/center.key"));
  auto backup = LoadSigningKeyFile(dir + "/secrets/center-2.key");
  ASSERT_TRUE(backup) << backup.error().ToString();
  EXPECT_EQ(backup->verifier().ToString(), m.centers[1].ToString());
  auto loaded = LoadManifest(dir);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->election_id, m.election_id);
  // The key kept elsewhere is the one a reader of the manifest checks.
  const VerifierKey* listed = loaded->FindCenter(token_key.key_id);
  ASSERT_NE(listed, nullptr);
  const std::string msg = "checkpoint";
  EXPECT_TRUE(VerifySignature(listed->key, AsBytes(msg), token_key.key.Sign(AsBytes(msg))));

  // Every center given: no center secret at all, and the rest as usual.
  const NamedSigningKey other = NamedSigningKey::From("center-hsm-2", testing::FixedSeed(0x78));
  SeededRandom rng2(3);
  auto all = BuildManifestFromCsv(
      ExamplesWith("election.csv", ElectionCsvWithCenters({vkey, other.verifier().ToString()})),
      rng2);
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_TRUE(all->centers.empty());
  EXPECT_EQ(all->manifest.centers.size(), 2u);
  const std::string dir2 = testing::TestDir("-all-given");
  std::filesystem::remove_all(dir2);
  ASSERT_TRUE(WriteElectionDir(dir2, *all));
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/secrets/center.key"));
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/secrets/center-2.key"));
  EXPECT_TRUE(std::filesystem::exists(dir2 + "/secrets/authority.key"));
  EXPECT_TRUE(std::filesystem::exists(dir2 + "/secrets/transport.key"));
}

TEST(ManifestCsvTest, MalformedCenterVkeyIsRefusedWithItsLine) {
  const VerifierKey good = NamedSigningKey::From("center-hsm", testing::FixedSeed(0x77)).verifier();
  const std::string vkey = good.ToString();
  const size_t p2 = vkey.find('+', vkey.find('+') + 1);
  // Another key id: the vkey was mistyped or its name changed.
  std::string wrong_id = vkey;
  wrong_id.replace(vkey.find('+') + 1, 8, good.key_id == 0 ? "00000001" : "00000000");
  ExpectCsvError("election.csv", ElectionCsvWithCenters({"example-center", wrong_id}),
                 "election.csv:7: center verifier key: key id does not match name and key");
  ExpectCsvError("election.csv", ElectionCsvWithCenters({vkey.substr(0, p2) + "+AQ*"}),
                 "election.csv:6: center verifier key: key data is not base64");
  ExpectCsvError("election.csv", ElectionCsvWithCenters({vkey.substr(0, p2) + "+AQ=="}),
                 "election.csv:6: center verifier key: key data must be 0x01 followed by 32 bytes");
  ExpectCsvError("election.csv", ElectionCsvWithCenters({"center-hsm+1234+AQ"}),
                 "election.csv:6: center verifier key: key id must be 8 hex digits");
  ExpectCsvError("election.csv", ElectionCsvWithCenters({vkey, "example-center", vkey}),
                 "election.csv:8: center key center-hsm is listed twice");
  // The authority signs the manifest here, so it is always a name.
  ExpectCsvError(
      "election.csv", "key,value\nname,X\nauthority," + vkey + "\n",
      "election.csv:3: key name \"" + vkey + "\" must be non-empty, without '+' or spaces");
}

TEST(ManifestCsvTest, Errors) {
  ExpectCsvError("regions.csv", "code,name,level\nEX,X,country\n",
                 "regions.csv:1: header must be \"code,name,level,parent\"");
  ExpectCsvError(
      "regions.csv", "code,name,level,parent\nEX,X,country,\nEX-01,N,state,EX-09\n",
      "regions.csv:3: unknown parent \"EX-09\" (parents must be listed before children)");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,X,country,\nEX-01,N,parish,EX\n",
                 "regions.csv:3: parent \"EX\" is not a municipality");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,X,country,\nEX,N,state,EX\n",
                 "regions.csv:3: duplicate region code \"EX\"");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,X,country,\n\nEX-01,N,state,EX\n",
                 "regions.csv:3: blank line");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,\"X,country,\n",
                 "regions.csv:2: unterminated quoted field");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,X\"Y,country,\n",
                 "regions.csv:2: quote inside an unquoted field");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,X,country\n",
                 "regions.csv:2: expected 4 fields, found 3");
  ExpectCsvError("regions.csv", "code,name,level,parent\nEX,\xff,country,\n",
                 "regions.csv:1: not valid UTF-8");
  ExpectCsvError("tables.csv", "id,region,registered,public_key\n1001,EX-01,10,\n",
                 "tables.csv:2: region \"EX-01\" is not a voting_center");
  ExpectCsvError("tables.csv", "id,region,registered,public_key\n1001,EX-01-01-01-001,0,\n",
                 "tables.csv:2: registered voters must be > 0");
  ExpectCsvError("tables.csv", "id,region,registered,public_key\n1001,EX-01-01-01-001,1x,\n",
                 "tables.csv:2: registered must be a decimal number, got \"1x\"");
  ExpectCsvError("tables.csv",
                 "id,region,registered,public_key\n5,EX-01-01-01-001,9,\n5,EX-01-01-01-001,9,\n",
                 "tables.csv:3: duplicate table id 5");
  ExpectCsvError("tables.csv", "id,region,registered,public_key\n5,EX-01-01-01-001,9,AAAA\n",
                 "tables.csv:2: public_key must be base64 of 32 bytes");
  ExpectCsvError("contests.csv",
                 "contest_id,contest_name,candidate_id,candidate_name,party\n"
                 "a,A,x,X,\nb,B,y,Y,\na,A,z,Z,\n",
                 "contests.csv:4: rows of contest \"a\" must be contiguous");
  ExpectCsvError("contests.csv",
                 "contest_id,contest_name,candidate_id,candidate_name,party\na,A,x,X,\na,A,x,Y,\n",
                 "contests.csv:3: duplicate candidate id \"x\"");
  ExpectCsvError("election.csv", "key,value\nname,X\n",
                 "election.csv:2: missing key \"polls_close_not_before\"");
  ExpectCsvError("election.csv", "key,value\ncolour,blue\n",
                 "election.csv:2: unknown key \"colour\" (name, polls_close_not_before, "
                 "polls_close_not_after, authority, center, witness_quorum, release_hash)");
  // Rules only the manifest parser holds still apply, named by JSON path.
  ExpectCsvError("contests.csv",
                 "contest_id,contest_name,candidate_id,candidate_name,party\na b,A,x,X,\n",
                 "the CSV files make an invalid manifest: contests[0].id: \"a b\" may only contain "
                 "letters, digits, '-', '_' and '.'");
}

}  // namespace
}  // namespace acta
