// The verifier on a log that keeps growing while it is read (issue #24):
// one checkpoint is pinned, everything is verified up to it, and checkpoints
// signed after it are only proven to extend it. A center that lies about
// what lies beyond the pin, or serves a checkpoint beyond its entries, is
// still caught.
#include <gtest/gtest.h>

#include "dump_server.h"
#include "fixture.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "verify/dump_layout.h"
#include "verify/fetch.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

using verify::ProblemKind;

class LiveLogTest : public DishonestFixture {};

TEST_F(LiveLogTest, CheckpointsSignedAfterThePinAreProvenNotReported) {
  StartCenter();
  RunHonest(kTables, 10);  // checkpoints 10, 20, 30, 40, 50
  // What a verifier that read /checkpoint at size 30 and the list a moment
  // later holds: two checkpoints beyond the entries it fetched.
  const std::string dump = Dump("pinned30", 30);
  EXPECT_EQ(ReadJson(dump, verify::kDumpJson)["latest_size"], 30);
  verify::Report r = Verify(dump);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.latest_size, 30u);
  EXPECT_EQ(r.entries, 30u);
  EXPECT_EQ(r.later_checkpoints, 2u);
  EXPECT_EQ(r.later_consistent, 2u);
  EXPECT_EQ(r.later_unproven, 0u);
  EXPECT_TRUE(r.Of(ProblemKind::kCheckpointBeyondLog).empty());
  // The CSV the center serves describes size 50, not the pin: left out.
  EXPECT_FALSE(r.csv_compared);
}

TEST_F(LiveLogTest, LaterCheckpointWithoutProofIsUnprovenNotAFailure) {
  StartCenter();
  RunHonest(kTables, 10);
  const std::string dump = Dump("pinned30", 30);
  // A static mirror serves no consistency proofs.
  std::filesystem::remove_all(std::filesystem::path(dump) / "proof");
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.later_unproven, 2u);
}

TEST_F(LiveLogTest, LaterCheckpointThatDoesNotExtendThePinIsAFork) {
  StartCenter();
  RunHonest(kTables, 10);
  const std::string dump = Dump("pinned30", 30);
  // The operator signs another tree of size 50 (two entries swapped below
  // the pin) and publishes it as the latest; the center's proof is for the
  // honest tree, so it cannot join the two.
  auto entries = ReadEntries(dump, 30);
  std::swap(entries[3], entries[4]);
  for (uint32_t i = 30; i < kTables; ++i) entries.push_back(HonestActa(i).bytes);
  std::vector<Hash256> leaves;
  for (const auto& e : entries) leaves.push_back(LeafHashOf(e));
  log::Checkpoint other{log::LogOrigin(manifest().election_id),
                        kTables,
                        log::MerkleTree::FromLeafHashes(leaves).Root(),
                        {}};
  auto list = ReadJson(dump, verify::kCheckpointsJson);
  ASSERT_EQ(list.back()["size"], kTables);
  list.back()["root"] = HexEncode(other.root);
  list.back()["note"] = log::SignCheckpoint(other, CenterKey());
  WriteJson(dump, verify::kCheckpointsJson, list);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.Has(ProblemKind::kFork, std::nullopt, std::nullopt, kTables));
  EXPECT_EQ(r.later_checkpoints, 2u);
}

TEST_F(LiveLogTest, RememberedCheckpointBeyondThePinIsNotARollback) {
  StartCenter();
  RunHonest(kTables, 10);
  auto state = VerifyAndRemember(Dump("latest"));
  ASSERT_EQ(state.checkpoints.back().size, kTables);
  verify::Report r = Verify(Dump("pinned20", 20, &state), &state);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.Of(ProblemKind::kRollback).empty());
}

TEST_F(LiveLogTest, CheckpointBeyondTheEntriesServedStillFails) {
  StartCenter();
  RunHonest(kTables, 10);
  // The center serves its checkpoint of 50 but only entries up to 40: the
  // bundle of 50 answers 404 and only the partial one of 40 is there.
  const std::string published = Dump("published");
  auto entries = ReadEntries(published, kTables);
  entries.resize(40);
  WriteEntries(published, entries);
  DumpServer server(published);
  http::HttpClientOptions co;
  co.base_url = server.url();
  auto client = http::HttpClient::Create(co);
  ASSERT_TRUE(client);
  verify::MemoryFiles fetched;
  verify::FetchOptions fo;
  auto stats = verify::FetchCenter(**client, fetched, fo);
  ASSERT_TRUE(stats) << "a checkpoint beyond the log is the verifier's finding, not a fetch error: "
                     << stats.error().ToString();
  verify::Report r = verify::VerifyFiles(fetched, {});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.Has(ProblemKind::kCheckpointBeyondLog, std::nullopt, std::nullopt, kTables));
}

}  // namespace
}  // namespace acta::testing
