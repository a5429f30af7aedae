#include "core/election_secrets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/file.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

ElectionMaterial VectorMaterial() {
  Manifest m = testing::VectorManifest();
  std::vector<Seed> seeds;
  for (uint8_t i = 0; i < 3; ++i) seeds.push_back(testing::FixedSeed(0x10 + i));
  // Per table: ballots, president (3 + blank + null), mayor (2 + blank + null).
  std::vector<uint32_t> truth = {400, 200, 150, 40, 4, 6, 210, 180, 5, 5,  //
                                 300, 100, 100, 90, 5, 5, 150, 140, 4, 6,  //
                                 1,   1,   0,   0,  0, 0, 0,   1,   0, 0};
  return ElectionMaterial{std::move(m),
                          testing::VectorAuthority(),
                          {testing::VectorCenter()},
                          testing::VectorTransportKey(),
                          std::move(seeds),
                          std::move(truth),
                          {}};
}

TEST(ElectionSecretsTest, WriteDirAndLoadBack) {
  std::string dir = testing::TestDir() + "/election";
  ElectionMaterial e = VectorMaterial();
  ASSERT_TRUE(WriteElectionDir(dir, e));
  EXPECT_EQ(ModeOf(dir + "/secrets"), 0700u);
  for (const char* f :
       {"authority.key", "center.key", "transport.key", "table-keys.bin", "truth.bin"}) {
    EXPECT_EQ(ModeOf(dir + "/secrets/" + f), 0600u) << f;
  }
  EXPECT_EQ(ReadTextFile(dir + "/secrets/transport.key").value(),
            HexEncode(testing::VectorTransportKey()) + "\n");

  auto secrets = LoadElectionSecrets(dir);
  ASSERT_TRUE(secrets) << secrets.error().ToString();
  EXPECT_EQ(secrets->authority.key_id, e.authority.key_id);
  EXPECT_EQ(secrets->center.key.public_key(), e.centers[0].key.public_key());
  EXPECT_EQ(secrets->transport_master, testing::VectorTransportKey());

  auto m = LoadManifest(dir);
  ASSERT_TRUE(m) << m.error().ToString();
  auto keys = TableKeys::Load(dir + "/secrets/table-keys.bin", m->tables.size());
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->key(2).public_key(), m->tables[2].key);
  auto truth = Truth::Load(dir + "/secrets/truth.bin", *m);
  ASSERT_TRUE(truth) << truth.error().ToString();
  EXPECT_EQ(truth->per_table(), 10u);
  ActaBody body = truth->BodyFor(1);
  EXPECT_EQ(body.election_id, m->election_id);
  EXPECT_EQ(body.table_id, 11u);
  EXPECT_EQ(body.ballots_cast, 300u);
  ASSERT_EQ(body.contests.size(), 2u);
  EXPECT_EQ(body.contests[0], (ContestCounts{{100, 100, 90}, 5, 5}));
  EXPECT_EQ(body.contests[1], (ContestCounts{{150, 140}, 4, 6}));

  // Never over an existing election.
  auto again = WriteElectionDir(dir, e);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST(ElectionSecretsTest, SizeChecks) {
  std::string dir = testing::TestDir();
  Manifest m = testing::VectorManifest();
  ASSERT_TRUE(WriteFileAtomic(dir + "/keys.bin", Bytes(95, 1)));
  auto keys = TableKeys::Load(dir + "/keys.bin", 3);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(keys.error().message, dir + "/keys.bin: size 95, expected 96 (3 tables x 32 bytes)");
  ASSERT_TRUE(WriteFileAtomic(dir + "/truth.bin", Bytes(116, 0)));
  auto truth = Truth::Load(dir + "/truth.bin", m);
  ASSERT_FALSE(truth);
  EXPECT_EQ(truth.error().message,
            dir + "/truth.bin: size 116, expected 120 (3 tables x 10 counts x 4 bytes)");
  ASSERT_TRUE(WriteFileAtomic(dir + "/t.key", "abcd\n"));
  auto tk = LoadTransportKeyFile(dir + "/t.key");
  ASSERT_FALSE(tk);
  EXPECT_EQ(tk.error().code, ErrorCode::kMalformed);
}

TEST(ElectionSecretsTest, RejectsMismatchedMaterial) {
  ElectionMaterial e = VectorMaterial();
  e.truth.pop_back();
  auto s = WriteElectionDir(testing::TestDir() + "/x", e);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, "truth does not match the manifest's shape");
  ElectionMaterial f = VectorMaterial();
  f.transport_master[0] ^= 1;
  s = WriteElectionDir(testing::TestDir() + "/y", f);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "transport master secret does not match transport_key_ids[0]");
}

}  // namespace
}  // namespace acta
