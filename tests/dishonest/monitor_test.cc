// `acta monitor` against an honest center and against each dishonest-center
// scenario the verifier catches (issue #24): a running monitor raises the
// alarm on its next poll after the misbehaviour, and the evidence it saves
// makes `acta verify --dump` reach the same verdict offline.
#include "verify/monitor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "core/file.h"
#include "core/receipt.h"
#include "fixture.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "verify/dump_layout.h"
#include "verify/log_source.h"

namespace acta::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using verify::ProblemKind;

class MonitorTest : public DishonestFixture {
 protected:
  std::unique_ptr<verify::Monitor> OpenMonitor(verify::LogSource& source,
                                               verify::MonitorOptions o = {}) {
    if (o.state_dir.empty()) o.state_dir = (dir_ / "monitor").string();
    auto m = verify::Monitor::Open(source, o, clock_, [this](const json& e) {
      events_.push_back(e);
      if (e.value("event", "") == "alarm") alarms_.push_back(e);
    });
    EXPECT_TRUE(m) << m.error().ToString();
    return m ? std::move(*m) : nullptr;
  }
  std::unique_ptr<http::HttpClient> PublicClient() {
    http::HttpClientOptions co;
    co.base_url = "http://127.0.0.1:" + std::to_string(center().public_port());
    auto c = http::HttpClient::Create(co);
    EXPECT_TRUE(c);
    return std::move(*c);
  }
  // Polls (as a running monitor would, one poll per interval) until an
  // alarm of `kind` or `max_polls`; returns the polls it took.
  int PollUntilAlarm(verify::Monitor& m, const std::string& kind, int max_polls = 3) {
    for (int i = 1; i <= max_polls; ++i) {
      (void)m.Poll();
      for (const auto& a : alarms_) {
        if (a["kind"] == kind) return i;
      }
      clock_.Advance(std::chrono::milliseconds(500));
    }
    return -1;
  }
  // The evidence of the first alarm of `kind`, verified offline.
  verify::Report VerifyEvidence(const std::string& kind) {
    for (const auto& a : alarms_) {
      if (a["kind"] == kind && a.contains("evidence")) return Verify(a["evidence"]);
    }
    ADD_FAILURE() << "no evidence saved for " << kind;
    return {};
  }
  // A dump of the honest center pinned at `size`, to serve as files.
  std::string Published(const std::string& name, uint64_t size) { return Dump(name, size); }

  std::vector<json> events_;
  std::vector<json> alarms_;
};

TEST_F(MonitorTest, FollowsAnHonestCenterAndResumesAfterRestart) {
  StartCenter();
  auto client = PublicClient();
  verify::HttpLogSource source(*client, false);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  // The empty log's checkpoint (size 0) is what a new monitor holds.
  (void)m->Poll();
  EXPECT_FALSE(m->alarmed());
  for (uint32_t i = 0; i < kTables; ++i) {
    ASSERT_EQ(Submit(HonestActa(i)), "accepted");
    if ((i + 1) % 10 == 0) {
      Sequence();
      ASSERT_TRUE(m->Poll());
    }
  }
  ASSERT_EQ(Submit(ConflictingActa(7)), "conflict");
  Sequence();
  ASSERT_TRUE(m->Poll());
  EXPECT_EQ(m->stats().size, kTables + 1);
  EXPECT_EQ(m->stats().checkpoints_verified, 6u);
  EXPECT_EQ(m->stats().entries_verified, kTables + 1);
  EXPECT_EQ(m->stats().bulletins_checked, 6u);
  EXPECT_EQ(m->stats().conflicts, 1u);
  ASSERT_EQ(alarms_.size(), 1u);  // the conflict, reported, not a center fault
  EXPECT_EQ(alarms_[0]["kind"], "conflict");
  EXPECT_EQ(m->stats().alarms, 0u);
  // Restarted: it goes on from its state, without fetching old entries.
  m.reset();
  events_.clear();
  m = OpenMonitor(source);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->stats().size, kTables + 1);
  ASSERT_TRUE(m->Poll());
  EXPECT_EQ(m->stats().checkpoints_verified, 0u);  // nothing new
  EXPECT_FALSE(m->alarmed());
  // The state's own log is a dump the verifier accepts (no CSV or bulletin
  // kept, so only those are missing).
  verify::Report r = Verify((dir_ / "monitor" / "log").string());
  for (const auto& p : r.problems) EXPECT_EQ(p.kind, ProblemKind::kMissingFile);
  // A state whose entries no longer give the remembered root, or that lost
  // some, is refused at restart.
  m.reset();
  const fs::path bundle = dir_ / "monitor" / "log" / log::TilePath({true, 0, 0, kTables + 1});
  auto held = ReadFile(bundle.string());
  ASSERT_TRUE(held);
  Bytes tampered = *held;
  tampered.back() ^= 1;  // inside the last entry: still a well-formed bundle
  ASSERT_TRUE(WriteFileAtomic(bundle.string(), tampered));
  verify::MonitorOptions mo;
  mo.state_dir = (dir_ / "monitor").string();
  auto refused = verify::Monitor::Open(source, mo, clock_, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption);
  EXPECT_NE(refused.error().message.find("no longer give the root"), std::string::npos);
  fs::remove(bundle);
  refused = verify::Monitor::Open(source, mo, clock_, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption);
  EXPECT_NE(refused.error().message.find("holds 0 entries"), std::string::npos);
}

TEST_F(MonitorTest, UnreachableCenterIsUnavailabilityNotAnAlarm) {
  StartCenter();
  RunHonest(20);
  auto client = PublicClient();
  verify::HttpLogSource source(*client, false);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  StopCenter();
  EXPECT_FALSE(m->Poll());
  EXPECT_FALSE(m->Poll());
  EXPECT_EQ(m->stats().unavailable, 2u);
  EXPECT_FALSE(m->alarmed());
}

TEST_F(MonitorTest, ForkAtTheSameSize) {
  StartCenter();
  RunHonest();
  const std::string pub = Published("pub", kTables);
  verify::DirectoryFiles files(pub);
  verify::FilesLogSource source(files);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  ASSERT_EQ(m->stats().size, kTables);
  // The operator signs another tree of the same size (two entries swapped)
  // and shows it from now on.
  auto entries = ReadEntries(pub, kTables);
  std::swap(entries[3], entries[4]);
  std::vector<Hash256> leaves;
  for (const auto& e : entries) leaves.push_back(LeafHashOf(e));
  log::Checkpoint other{log::LogOrigin(manifest().election_id),
                        kTables,
                        log::MerkleTree::FromLeafHashes(leaves).Root(),
                        {}};
  ASSERT_TRUE(WriteFileAtomic(pub + "/checkpoint", log::SignCheckpoint(other, CenterKey())));
  const int polls = PollUntilAlarm(*m, "fork");
  std::printf("    fork raised on poll %d after the misbehaviour\n", polls);
  EXPECT_EQ(polls, 1);
  EXPECT_TRUE(VerifyEvidence("fork").Has(ProblemKind::kFork));
}

TEST_F(MonitorTest, ForkBeyondTheHeldCheckpoint) {
  StartCenter();
  RunHonest();
  const std::string pub = Published("pub", 30);
  verify::DirectoryFiles files(pub);
  verify::FilesLogSource source(files);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  ASSERT_EQ(m->stats().size, 30u);
  // The operator serves the honest entries up to 50 but signs a tree of 50
  // in which two entries below 30 are swapped, with that tree's own proof.
  auto entries = ReadEntries(Dump("honest50"), kTables);
  WriteEntries(pub, entries);
  std::swap(entries[3], entries[4]);
  std::vector<Hash256> leaves;
  for (const auto& e : entries) leaves.push_back(LeafHashOf(e));
  auto tree = log::MerkleTree::FromLeafHashes(leaves);
  log::Checkpoint other{log::LogOrigin(manifest().election_id), kTables, tree.Root(), {}};
  auto proof = tree.ConsistencyProof(30, kTables);
  ASSERT_TRUE(proof);
  json pj = {{"from", 30}, {"to", kTables}, {"hashes", json::array()}};
  for (const auto& h : *proof) pj["hashes"].push_back(HexEncode(h));
  ASSERT_TRUE(files.Write(verify::ConsistencyProofPath(30, kTables), AsBytes(pj.dump())));
  ASSERT_TRUE(WriteFileAtomic(pub + "/checkpoint", log::SignCheckpoint(other, CenterKey())));
  EXPECT_EQ(PollUntilAlarm(*m, "fork"), 1);
  EXPECT_EQ(m->stats().size, 30u) << "nothing of the forked tree is held";
  EXPECT_TRUE(VerifyEvidence("fork").Has(ProblemKind::kFork, std::nullopt, std::nullopt, kTables));
}

TEST_F(MonitorTest, Rollback) {
  StartCenter();
  RunHonest();
  const std::string pub = Published("pub", kTables);
  verify::DirectoryFiles files(pub);
  verify::FilesLogSource source(files);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  // The operator restores an old database: the latest checkpoint is 40.
  auto list = ReadJson(pub, verify::kCheckpointsJson);
  ASSERT_TRUE(WriteFileAtomic(pub + "/checkpoint", list[3]["note"].get<std::string>()));
  EXPECT_EQ(PollUntilAlarm(*m, "rollback"), 1);
  EXPECT_TRUE(VerifyEvidence("rollback").Has(ProblemKind::kShrink));
  // A mirror that lags is not accused.
  alarms_.clear();
  verify::MonitorOptions mo;
  mo.state_dir = (dir_ / "mirror-monitor").string();
  mo.source_is_mirror = true;
  ASSERT_TRUE(WriteFileAtomic(pub + "/checkpoint", list.back()["note"].get<std::string>()));
  auto mm = OpenMonitor(source, mo);
  ASSERT_TRUE(mm->Poll());
  ASSERT_TRUE(WriteFileAtomic(pub + "/checkpoint", list[3]["note"].get<std::string>()));
  ASSERT_TRUE(mm->Poll());
  EXPECT_FALSE(mm->alarmed());
}

TEST_F(MonitorTest, EntryReplaced) {
  StartCenter();
  RunHonest();
  const std::string pub = Published("pub", 30);
  verify::DirectoryFiles files(pub);
  verify::FilesLogSource source(files);
  auto m = OpenMonitor(source);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  // The log grows to 50 honestly, but the bundle now carries another valid
  // acta for table index 3 in place of the one the monitor holds.
  const std::string next = Dump("next");
  auto entries = ReadEntries(next, kTables);
  entries[3] = ConflictingActa(3).bytes;
  WriteEntries(pub, entries);
  fs::copy_file(next + "/checkpoint", pub + "/checkpoint", fs::copy_options::overwrite_existing);
  EXPECT_EQ(PollUntilAlarm(*m, "entry_replaced"), 1);
  EXPECT_TRUE(VerifyEvidence("entry_replaced").Has(ProblemKind::kCheckpointRoot));
}

TEST_F(MonitorTest, AlteredBulletin) {
  StartCenter();
  RunHonest(40);
  auto client = PublicClient();
  verify::HttpLogSource http(*client, false);
  auto m = OpenMonitor(http);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  EXPECT_EQ(m->stats().bulletins_checked, 1u);
  // The next bulletin is published with one vote moved.
  for (uint32_t i = 40; i < kTables; ++i) ASSERT_EQ(Submit(HonestActa(i)), "accepted");
  Sequence();
  const std::string pub = Dump("pub");
  auto b = ReadJson(pub, verify::BulletinPath(kTables));
  auto& votes = b["regions"][0]["contests"][0]["votes"];
  votes[0] = votes[0].get<uint64_t>() + 1;
  WriteJson(pub, verify::BulletinPath(kTables), b);
  verify::DirectoryFiles files(pub);
  verify::FilesLogSource source(files);
  // Same state, now reading the published files.
  m.reset();
  m = OpenMonitor(source);
  EXPECT_EQ(PollUntilAlarm(*m, "bulletin"), 1);
  EXPECT_TRUE(VerifyEvidence("bulletin").Has(ProblemKind::kBulletin));
}

TEST_F(MonitorTest, ReceiptedActaThatNeverEntersTheLog) {
  StartCenter();
  RunHonest(20);
  auto client = PublicClient();
  verify::HttpLogSource source(*client, false);
  const fs::path receipts = dir_ / "receipts";
  fs::create_directories(receipts);
  // An observer group keeps the receipt of table index 21, which the
  // center logs, and one the center signed for table index 20's acta but
  // never logged (it lost it, or dropped it on purpose).
  Bytes logged = SubmitForReceipt(HonestActa(21));
  ASSERT_FALSE(logged.empty());
  ASSERT_TRUE(WriteFileAtomic((receipts / "table-21.receipt").string(), logged));
  const Receipt dropped = Receipt::Sign(manifest().election_id, LeafHashOf(HonestActa(20).bytes),
                                        static_cast<uint64_t>(clock_.NowUnixMillis()), CenterKey());
  ASSERT_TRUE(WriteFileAtomic((receipts / "table-20.receipt").string(), dropped.Encode()));
  Sequence();
  verify::MonitorOptions mo;
  mo.receipts_dir = receipts.string();
  mo.merge_delay = std::chrono::milliseconds(5'000);
  auto m = OpenMonitor(source, mo);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Poll());
  EXPECT_EQ(m->stats().receipts_logged, 1u);
  EXPECT_EQ(m->stats().receipts_pending, 1u);
  EXPECT_FALSE(m->alarmed()) << "within the merge delay";
  clock_.Advance(std::chrono::seconds(5));
  const int polls = PollUntilAlarm(*m, "receipt_missing", 5);
  EXPECT_GE(polls, 1);
  EXPECT_EQ(m->stats().receipts_missing, 1u);
}

}  // namespace
}  // namespace acta::testing
