// Several center nodes on one PostgreSQL store: every node ingests and
// answers with receipts, exactly one sequences, every node serves the same
// log, and the log survives losing the sequencing node.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "center/center.h"
#include "core/receipt.h"
#include "sim/synth.h"
#include "store/open_store.h"
#include "store/postgres_testing.h"
#include "terminal/http_client.h"

namespace acta::testing {
namespace {

constexpr uint32_t kTables = 60;

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("acta-multinode-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    sim::SynthOptions o;
    o.tables = kTables;
    o.seed = 5;
    o.centers = 3;
    auto synth = sim::SynthesizeElection(o);
    ASSERT_TRUE(synth);
    synth_ = std::make_unique<sim::SynthResult>(std::move(*synth));
    election_ = (dir_ / "election").string();
    ASSERT_TRUE(sim::WriteElectionDir(election_, *synth_));
    db_ = store::testing::CreatePgDatabase();
    ASSERT_FALSE(db_.empty());
  }
  void TearDown() override {
    for (auto& n : nodes_) {
      if (n) n->Stop();
    }
    nodes_.clear();
    if (!db_.empty()) store::testing::DropPgDatabase(db_);
    std::filesystem::remove_all(dir_);
  }

  center::Center* StartNode(int i) {
    center::CenterOptions o;
    o.election_dir = election_;
    o.db_url = db_;
    o.key_file = election_ + "/secrets/" +
                 (i == 0 ? std::string("center.key") : "center-" + std::to_string(i + 1) + ".key");
    o.sequencer.batch_delay = std::chrono::milliseconds(20);
    o.sequencer.poll_interval = std::chrono::milliseconds(50);
    auto c = center::Center::Start(o, clock_);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    nodes_.push_back(std::move(*c));
    return nodes_.back().get();
  }

  Acta TruthActa(size_t i) const {
    const ElectionMaterial& e = synth_->election;
    ActaBody body = Truth(e.manifest, e.truth).BodyFor(i);
    body.closing_time = e.manifest.polls_close_not_before + 1;
    return *SignActa(body, SigningKey::FromSeed(e.table_seeds[i]));
  }

  int Submit(center::Center& node, const Acta& a) {
    http::HttpClientOptions o;
    o.base_url = "http://127.0.0.1:" + std::to_string(node.ingest_port());
    auto client = http::HttpClient::Create(o);
    Mac mac =
        ComputeMac(DeriveTransportKey(synth_->election.transport_master, a.body.table_id), a.bytes);
    auto r = (*client)->Post("/v1/actas", a.bytes, {{"Acta-Mac", Base64Encode(mac)}});
    EXPECT_TRUE(r);
    if (!r) return 0;
    if (r->status == 201 || r->status == 200) {
      auto receipt = Receipt::Decode(r->body);
      EXPECT_TRUE(receipt);
      const VerifierKey* key = synth_->election.manifest.FindCenter(receipt->center_key_id);
      EXPECT_TRUE(key != nullptr && receipt->Verify(*key));
    }
    return r->status;
  }

  // Bounded wait until `node` publishes a checkpoint of at least `size`.
  bool WaitFor(center::Center& node, uint64_t size) {
    for (int i = 0; i < 1000; ++i) {
      auto cp = node.log_state().latest();
      if (cp && cp->stored.size >= size) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::filesystem::path dir_;
  std::string election_;
  std::string db_;
  std::unique_ptr<sim::SynthResult> synth_;
  SystemClock clock_;
  std::vector<std::unique_ptr<center::Center>> nodes_;
};

TEST_F(MultiNodeTest, TwoNodesOneLogAndTakeover) {
  center::Center* a = StartNode(0);
  center::Center* b = StartNode(1);
  ASSERT_TRUE(a && b);
  // Both ingest; one sequences.
  for (size_t i = 0; i < kTables / 2; ++i) ASSERT_EQ(Submit(i % 2 ? *a : *b, TruthActa(i)), 201);
  ASSERT_TRUE(WaitFor(*a, kTables / 2));
  ASSERT_TRUE(WaitFor(*b, kTables / 2));
  EXPECT_NE(a->sequencer().leader(), b->sequencer().leader()) << "exactly one node sequences";
  EXPECT_EQ(a->log_state().latest()->stored.root, b->log_state().latest()->stored.root);

  // The leader goes away; the other takes over and sequences the rest.
  center::Center* leader = a->sequencer().leader() ? a : b;
  center::Center* survivor = leader == a ? b : a;
  leader->Stop();
  for (size_t i = kTables / 2; i < kTables; ++i) ASSERT_EQ(Submit(*survivor, TruthActa(i)), 201);
  ASSERT_TRUE(WaitFor(*survivor, kTables)) << "the survivor did not take over sequencing";
  EXPECT_TRUE(survivor->sequencer().leader());

  // Every acta exactly once in the log; all checkpoints consistent with the final tree.
  auto store = store::OpenStore(db_);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->Initialize(synth_->election.manifest.election_id));
  EXPECT_EQ(*(*store)->SequencedCount(), kTables);
  for (size_t i = 0; i < kTables; ++i) {
    auto row = (*store)->FindByLeaf(TruthActa(i).LeafHash());
    ASSERT_TRUE(row && *row && (*row)->seq) << "table index " << i;
  }
  const auto& tree = survivor->log_state().tree();
  auto checkpoints = (*store)->ListCheckpoints();
  ASSERT_TRUE(checkpoints);
  for (const auto& cp : *checkpoints) EXPECT_EQ(*tree.RootAt(cp.size), cp.root) << cp.size;

  // A third node joining later catches up from the store alone.
  center::Center* c = StartNode(2);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->log_state().latest()->stored.root, survivor->log_state().latest()->stored.root);
  EXPECT_FALSE(c->sequencer().leader());
}

}  // namespace
}  // namespace acta::testing
