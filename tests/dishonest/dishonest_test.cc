// Dishonest-center scenarios: a real center publishes an honest log, then
// its operator lies (in the database, then restarting the center, or in the
// published files), and the verifier must fail naming the exact table,
// entry or checkpoint. Log layout after RunHonest(): entries 0..49 are the
// tables with manifest index 0..49 (table id = index + 1), checkpoints of
// sizes 0, 10, 20, 30, 40, 50.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "fixture.h"
#include "log/checkpoint.h"
#include "verify/dump_layout.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

using verify::ProblemKind;
namespace fs = std::filesystem;

class DishonestCenterTest : public DishonestFixture {
 protected:
  static uint32_t TableId(size_t index) { return manifest().tables[index].id; }
};

TEST_F(DishonestCenterTest, HonestCenterPassesEveryCheck) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("honest");
  verify::Report r = Verify(dump);
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_TRUE(r.manifest_verified);
  EXPECT_EQ(r.election_id, manifest().election_id);
  EXPECT_EQ(r.tables, kTables);
  EXPECT_EQ(r.entries, 50u);
  EXPECT_EQ(r.entries_valid, 50u);
  EXPECT_EQ(r.checkpoints, 6u);  // 0 (new log), 10, 20, 30, 40, 50
  EXPECT_EQ(r.bulletins, 6u);
  EXPECT_TRUE(r.csv_compared);
  EXPECT_EQ(r.tables_counted, 50u);
  EXPECT_EQ(r.tables_conflicted, 0u);
  EXPECT_EQ(r.latest_size, 50u);
  EXPECT_EQ(r.latest_root, center().log_state().tree().Root());

  // A second run against the remembered state passes too, and the dump
  // command is resumable: nothing immutable is fetched again.
  auto state = VerifyAndRemember(dump);
  ASSERT_EQ(state.checkpoints.size(), 1u);
  EXPECT_EQ(state.checkpoints[0].size, 50u);
  EXPECT_TRUE(Verify(Dump("honest"), &state).ok());
  EXPECT_TRUE(verify::CheckChecksums(verify::DirectoryFiles(dump)).value().empty());
}

TEST_F(DishonestCenterTest, HonestConflictIsFlaggedAndPasses) {
  StartCenter();
  RunHonest();
  ASSERT_EQ(Submit(ConflictingActa(7)), "conflict");
  Sequence();
  verify::Report r = Verify(Dump("conflict"));
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_EQ(r.tables_conflicted, 1u);
  EXPECT_EQ(r.tables_counted, 49u);
}

TEST_F(DishonestCenterTest, ActaEditedInTheDatabase) {
  StartCenter();
  RunHonest();
  auto state = VerifyAndRemember(Dump("before"));
  StopCenter();
  // The operator raises a candidate's votes in table index 17's stored acta,
  // keeping the machine's signature (it cannot make a new one), fixes the
  // leaf hash and drops the checkpoints so the center re-signs the log.
  Acta acta = HonestActa(17);
  ActaBody body = acta.body;
  body.contests[0].candidates[0] += 40;
  body.ballots_cast += 40;
  Bytes forged = EncodeActaBody(body).value();
  forged.insert(forged.end(), acta.signature.begin(), acta.signature.end());
  ReplaceStoredActa(17, forged);
  TamperDatabase("DELETE FROM checkpoints;");
  StartCenter();
  verify::Report r = Verify(Dump("after"), &state);
  EXPECT_FALSE(r.ok());
  ASSERT_TRUE(r.Has(ProblemKind::kEntry, 17, TableId(17)));
  EXPECT_EQ(r.Of(ProblemKind::kEntry)[0]->code, ErrorCode::kBadSignature);
  EXPECT_EQ(r.Of(ProblemKind::kEntry).size(), 1u);
  // Against what it published before, the re-signed log is a fork at 50.
  EXPECT_TRUE(r.Has(ProblemKind::kFork, std::nullopt, std::nullopt, 50));
}

TEST_F(DishonestCenterTest, EntryDropped) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  auto entries = ReadEntries(dump, 50);
  entries.erase(entries.begin() + 25);
  WriteEntries(dump, entries);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  // Checkpoints 10 and 20 still match; 30 is the first that cannot.
  EXPECT_FALSE(r.Has(ProblemKind::kCheckpointRoot, std::nullopt, std::nullopt, 10));
  EXPECT_FALSE(r.Has(ProblemKind::kCheckpointRoot, std::nullopt, std::nullopt, 20));
  ASSERT_TRUE(r.Has(ProblemKind::kCheckpointRoot, 20, std::nullopt, 30));
  EXPECT_NE(r.Of(ProblemKind::kCheckpointRoot)[0]->message.find("entries [20, 30)"),
            std::string::npos);
  // The log no longer serves entries 0..49 (the bundle of 50 is gone).
  EXPECT_TRUE(r.Has(ProblemKind::kMissingFile));
  EXPECT_TRUE(r.Of(ProblemKind::kEntry).empty());
}

TEST_F(DishonestCenterTest, EntriesReordered) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  auto entries = ReadEntries(dump, 50);
  std::swap(entries[12], entries[13]);
  WriteEntries(dump, entries);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.Has(ProblemKind::kCheckpointRoot, std::nullopt, std::nullopt, 10));
  ASSERT_TRUE(r.Has(ProblemKind::kCheckpointRoot, 10, std::nullopt, 20));
  // Every acta is still validly signed: only the order is wrong.
  EXPECT_TRUE(r.Of(ProblemKind::kEntry).empty());
  EXPECT_EQ(r.entries_valid, 50u);
}

TEST_F(DishonestCenterTest, ConflictingActaWithoutConflictFlag) {
  StartCenter();
  RunHonest();
  ASSERT_EQ(Submit(ConflictingActa(7)), "conflict");
  Sequence();
  const std::string dump = Dump("dump");
  // The operator publishes a bulletin that hides the conflict of table
  // index 7: no flag, as if only one acta had arrived.
  auto b = ReadJson(dump, verify::BulletinPath(51));
  auto& flags = b["flags"];
  bool removed = false;
  for (auto it = flags.begin(); it != flags.end(); ++it) {
    if ((*it)["table"] == TableId(7)) {
      flags.erase(it);
      removed = true;
      break;
    }
  }
  ASSERT_TRUE(removed);
  b["flags_total"] = b["flags_total"].get<uint64_t>() - 1;
  WriteJson(dump, verify::BulletinPath(51), b);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  ASSERT_TRUE(r.Has(ProblemKind::kConflictNotFlagged, 50, TableId(7), 51));
  const auto* p = r.Of(ProblemKind::kConflictNotFlagged)[0];
  EXPECT_NE(p->message.find("entries 7 and 50"), std::string::npos) << p->message;
  EXPECT_TRUE(r.Has(ProblemKind::kBulletin, std::nullopt, std::nullopt, 51));
}

TEST_F(DishonestCenterTest, BulletinTotalChanged) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  auto b = ReadJson(dump, verify::BulletinPath(50));
  auto& votes = b["regions"][0]["contests"][0]["votes"];
  votes[1] = votes[1].get<uint64_t>() + 1000;
  WriteJson(dump, verify::BulletinPath(50), b);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.Of(ProblemKind::kBulletin).size(), 1u);
  const auto* p = r.Of(ProblemKind::kBulletin)[0];
  EXPECT_EQ(p->checkpoint, 50u);
  const std::string path = "regions[" + manifest().regions[0].code + "].contests[" +
                           manifest().contests[0].id + "].votes[1]";
  EXPECT_EQ(p->where, "bulletin/50.json: " + path);
  EXPECT_NE(p->message.find(path + " is " + votes[1].dump() + ", recomputed " +
                            std::to_string(votes[1].get<uint64_t>() - 1000)),
            std::string::npos)
      << p->message;
  // Only the bulletin lies: the log itself checks out.
  EXPECT_EQ(r.problems_total, 1u);
}

TEST_F(DishonestCenterTest, RegionTotalChangedWhileNationalIsNot) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  auto b = ReadJson(dump, verify::BulletinPath(50));
  // Find the first state (regions[1] in manifest order) and move 7 votes
  // from candidate 0 to candidate 1 there, leaving the national total alone.
  auto& region = b["regions"][1];
  ASSERT_EQ(region["level"], "state");
  auto& votes = region["contests"][0]["votes"];
  ASSERT_GE(votes[0].get<uint64_t>(), 7u);
  votes[0] = votes[0].get<uint64_t>() - 7;
  votes[1] = votes[1].get<uint64_t>() + 7;
  WriteJson(dump, verify::BulletinPath(50), b);
  Reseal(dump);
  verify::Report r = Verify(dump);
  ASSERT_EQ(r.Of(ProblemKind::kBulletin).size(), 1u);
  const auto* p = r.Of(ProblemKind::kBulletin)[0];
  EXPECT_EQ(p->where, "bulletin/50.json: regions[" + region["code"].get<std::string>() +
                          "].contests[" + manifest().contests[0].id + "].votes[0]");
  EXPECT_EQ(p->where.find(manifest().regions[0].code + "]"), std::string::npos);
}

TEST_F(DishonestCenterTest, CheckpointSignedWithAnotherKey) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  // Same key name as the real center key, another key pair.
  Seed seed{};
  seed.fill(0x42);
  auto rogue = NamedSigningKey::From(CenterKey().name, seed);
  auto list = ReadJson(dump, verify::kCheckpointsJson);
  auto& last = list[list.size() - 1];
  ASSERT_EQ(last["size"], 50);
  auto cp = log::ParseCheckpointUnverified(last["note"].get<std::string>()).value();
  const std::string forged = log::SignCheckpoint(cp, rogue);
  last["note"] = forged;
  WriteJson(dump, verify::kCheckpointsJson, list);
  ASSERT_TRUE(WriteFileAtomic((fs::path(dump) / verify::kLatestCheckpoint).string(), forged));
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.Of(ProblemKind::kCheckpointSignature).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kCheckpointSignature, std::nullopt, std::nullopt, 50));
  EXPECT_EQ(r.Of(ProblemKind::kCheckpointSignature)[0]->code, ErrorCode::kBadSignature);
  EXPECT_TRUE(r.latest_note.empty());  // nothing to remember from this run
}

TEST_F(DishonestCenterTest, ForkTwoRootsForOneSize) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  // The operator (who has the center key) also signed another tree of size
  // 30: entries 0..29 with two swapped. Someone holds that checkpoint; it
  // is published alongside the honest ones.
  auto entries = ReadEntries(dump, 50);
  entries.resize(30);
  std::swap(entries[3], entries[4]);
  std::vector<Hash256> leaves;
  for (const auto& e : entries) leaves.push_back(LeafHashOf(e));
  log::Checkpoint other{log::LogOrigin(manifest().election_id),
                        30,
                        log::MerkleTree::FromLeafHashes(leaves).Root(),
                        {}};
  auto list = ReadJson(dump, verify::kCheckpointsJson);
  nlohmann::ordered_json extra = list[3];
  ASSERT_EQ(extra["size"], 30);
  extra["root"] = HexEncode(other.root);
  extra["note"] = log::SignCheckpoint(other, CenterKey());
  list.insert(list.begin() + 4, extra);  // right after the honest size-30 one
  WriteJson(dump, verify::kCheckpointsJson, list);
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.Of(ProblemKind::kFork).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kFork, std::nullopt, std::nullopt, 30));
  EXPECT_TRUE(r.Of(ProblemKind::kCheckpointSignature).empty());  // validly signed: a real fork
  EXPECT_TRUE(r.Has(ProblemKind::kCheckpointRoot, std::nullopt, std::nullopt, 30));
}

TEST_F(DishonestCenterTest, RollbackAgainstRememberedState) {
  StartCenter();
  RunHonest(40);
  StopCenter();
  // The operator keeps a copy of the database at 40 entries...
  const fs::path backup = dir_ / "backup.db";
  fs::copy_file(db_path(), backup);
  StartCenter();
  for (uint32_t i = 40; i < 50; ++i) ASSERT_EQ(Submit(HonestActa(i)), "accepted");
  Sequence();
  auto state = VerifyAndRemember(Dump("at50"));
  StopCenter();
  // ...and later restores it: the log goes back to 40 entries.
  fs::copy_file(backup, db_path(), fs::copy_options::overwrite_existing);
  StartCenter();
  const std::string dump = Dump("at40");
  EXPECT_TRUE(Verify(dump).ok()) << "without memory, the old log is self-consistent";
  verify::Report r = Verify(dump, &state);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.Of(ProblemKind::kRollback).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kRollback, std::nullopt, std::nullopt, 50));
  EXPECT_NE(
      r.Of(ProblemKind::kRollback)[0]->message.find("largest checkpoint published now has size 40"),
      std::string::npos);
}

TEST_F(DishonestCenterTest, ShrinkingCheckpointInThePublishedList) {
  StartCenter();
  RunHonest();
  const std::string dump = Dump("dump");
  auto list = ReadJson(dump, verify::kCheckpointsJson);
  list.push_back(list[2]);  // the size-20 checkpoint again, after 50
  WriteJson(dump, verify::kCheckpointsJson, list);
  Reseal(dump);
  verify::Report r = Verify(dump);
  ASSERT_EQ(r.Of(ProblemKind::kShrink).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kShrink, std::nullopt, std::nullopt, 20));
}

TEST_F(DishonestCenterTest, ActaSignedByKeyNotInManifest) {
  StartCenter();
  RunHonest(49);
  StopCenter();
  // The operator slips in an acta for the last table, signed by its own key.
  ActaBody body = HonestActa(49).body;
  Seed seed{};
  seed.fill(0x17);
  Acta forged = SignActa(body, SigningKey::FromSeed(seed)).value();
  InsertStoredActa(forged.bytes, TableId(49));
  StartCenter();
  Sequence();
  verify::Report r = Verify(Dump("dump"));
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.Of(ProblemKind::kEntry).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kEntry, 49, TableId(49)));
  EXPECT_EQ(r.Of(ProblemKind::kEntry)[0]->code, ErrorCode::kBadSignature);
  // The center counted it; the bulletins are faithful to the log, so the
  // lie is the entry itself.
  EXPECT_TRUE(r.Of(ProblemKind::kBulletin).empty());
  EXPECT_EQ(r.entries_valid, 49u);
}

TEST_F(DishonestCenterTest, ActaOfAnotherElection) {
  sim::SynthOptions o;
  o.tables = kTables;
  o.seed = 99;
  auto other = sim::SynthesizeElection(o).value();
  ASSERT_NE(other.election.manifest.election_id, manifest().election_id);
  Truth truth(other.election.manifest, other.election.truth);
  ActaBody body = truth.BodyFor(5);
  body.closing_time = other.election.manifest.polls_close_not_before + 60;
  Acta foreign = SignActa(body, SigningKey::FromSeed(other.election.table_seeds[5])).value();

  StartCenter();
  RunHonest(30);
  StopCenter();
  InsertStoredActa(foreign.bytes, body.table_id);
  StartCenter();
  Sequence();
  verify::Report r = Verify(Dump("dump"));
  ASSERT_EQ(r.Of(ProblemKind::kEntry).size(), 1u);
  EXPECT_TRUE(r.Has(ProblemKind::kEntry, 30, body.table_id));
  EXPECT_EQ(r.Of(ProblemKind::kEntry)[0]->code, ErrorCode::kWrongElection);
}

TEST_F(DishonestCenterTest, ManifestAlteredAfterSigning) {
  StartCenter();
  RunHonest(20);
  const std::string dump = Dump("dump");
  auto m = ReadJson(dump, verify::kManifestJson);
  m["contests"][0]["candidates"][0]["name"] = "Someone Else";
  ASSERT_TRUE(WriteFileAtomic((fs::path(dump) / verify::kManifestJson).string(), m.dump(2) + "\n"));
  Reseal(dump);
  verify::Report r = Verify(dump);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.manifest_verified);
  ASSERT_EQ(r.Of(ProblemKind::kManifest).size(), 1u);
  EXPECT_EQ(r.Of(ProblemKind::kManifest)[0]->code, ErrorCode::kBadSignature);
  EXPECT_EQ(r.Of(ProblemKind::kManifest)[0]->where, verify::kManifestSig);
}

TEST_F(DishonestCenterTest, PinsRejectAnotherAuthorityOrElection) {
  StartCenter();
  RunHonest(10);
  const std::string dump = Dump("dump");
  verify::DirectoryFiles files(dump);
  verify::VerifyOptions o;
  Seed seed{};
  seed.fill(0x33);
  o.pinned_authority = NamedSigningKey::From("someone", seed).verifier();
  verify::Report r = verify::VerifyFiles(files, o);
  ASSERT_EQ(r.Of(ProblemKind::kManifest).size(), 1u);
  EXPECT_EQ(r.Of(ProblemKind::kManifest)[0]->code, ErrorCode::kPermissionDenied);

  o.pinned_authority = Election().election.authority.verifier();
  o.expected_election_id = Hash256{};
  r = verify::VerifyFiles(files, o);
  ASSERT_EQ(r.Of(ProblemKind::kManifest).size(), 1u);
  EXPECT_EQ(r.Of(ProblemKind::kManifest)[0]->code, ErrorCode::kWrongElection);

  o.expected_election_id = manifest().election_id;
  EXPECT_TRUE(verify::VerifyFiles(files, o).ok());
}

TEST_F(DishonestCenterTest, DumpFileChangedWithoutResealingIsReported) {
  StartCenter();
  RunHonest(10);
  const std::string dump = Dump("dump");
  ASSERT_TRUE(
      WriteFileAtomic((fs::path(dump) / verify::kTablesCsv).string(), std::string("table_id\n")));
  verify::Report r = Verify(dump);
  EXPECT_TRUE(r.Has(ProblemKind::kChecksum));
  ASSERT_EQ(r.Of(ProblemKind::kCsv).size(), 1u);
  EXPECT_EQ(r.Of(ProblemKind::kCsv)[0]->where, "tables.csv:1");
}

}  // namespace
}  // namespace acta::testing
