// A node that (re)starts while another node sequences: between the log size
// Sequencer::Recover reads and the checkpoints it lists, the leader may store
// more entries and their checkpoint. Found by chaos_test (a node restarted
// under load refused to start: "corruption: stored checkpoint of size N does
// not match the tree rebuilt from the stored entries"); this replays that
// interleaving deterministically with a store wrapper.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "center/log_state.h"
#include "center/sequencer.h"
#include "core/testing/manifest_fixtures.h"
#include "sim/synth.h"
#include "store/fault_injecting_store.h"
#include "store/open_store.h"
#include "tests/center/chaos_load.h"

namespace acta::testing::chaos {
namespace {

// Forwards everything to `base`; runs `before_list` once, just before the
// first ListCheckpoints (where "another node" gets to sequence).
class InterleavingStore final : public store::Store {
 public:
  explicit InterleavingStore(store::Store& base) : base_(base) {}
  std::function<void()> before_list;

  Status Initialize(const Hash256& id) override { return base_.Initialize(id); }
  Status InsertAccepted(std::span<const store::AcceptedActa> a) override {
    return base_.InsertAccepted(a);
  }
  Result<std::optional<store::AcceptedActa>> FindByLeaf(const Hash256& leaf) override {
    return base_.FindByLeaf(leaf);
  }
  Result<std::vector<store::AcceptedActa>> FindByTable(uint32_t table_id) override {
    return base_.FindByTable(table_id);
  }
  Result<std::vector<store::AcceptedActa>> LoadUnsequenced(size_t limit) override {
    return base_.LoadUnsequenced(limit);
  }
  Status Sequence(uint64_t first, std::span<const Hash256> leaves,
                  const std::optional<store::StoredCheckpoint>& cp) override {
    return base_.Sequence(first, leaves, cp);
  }
  Status SequenceFenced(const store::TreeHead& expected, std::span<const Hash256> leaves,
                        const store::TreeHead& next) override {
    return base_.SequenceFenced(expected, leaves, next);
  }
  Status ConfirmReplicated() override { return base_.ConfirmReplicated(); }
  Status AddCheckpoint(const store::StoredCheckpoint& cp) override {
    return base_.AddCheckpoint(cp);
  }
  Result<std::vector<store::StoredCheckpoint>> ListCheckpoints() override {
    if (before_list) std::exchange(before_list, nullptr)();
    return base_.ListCheckpoints();
  }
  Result<std::optional<store::StoredCheckpoint>> LatestCheckpoint() override {
    return base_.LatestCheckpoint();
  }
  Status AddCosignature(const store::StoredCosignature& c) override {
    return base_.AddCosignature(c);
  }
  Result<std::vector<store::StoredCosignature>> ListCosignatures(uint64_t min_size) override {
    return base_.ListCosignatures(min_size);
  }
  Result<uint64_t> SequencedCount() override { return base_.SequencedCount(); }
  Status ForEachSequenced(uint64_t from, uint64_t to, const Visitor& fn) override {
    return base_.ForEachSequenced(from, to, fn);
  }
  Status ForEachAccepted(const Visitor& fn) override { return base_.ForEachAccepted(fn); }

 private:
  store::Store& base_;
};

store::AcceptedActa Row(const ElectionMaterial& e, size_t index) {
  const Acta acta = TruthActa(e, index);
  store::AcceptedActa row;
  row.leaf_hash = acta.LeafHash();
  row.table_id = acta.body.table_id;
  row.bytes = acta.bytes;
  row.received_at_ms = 1'800'000'000'000 + index;
  row.receipt =
      Receipt::Sign(e.manifest.election_id, row.leaf_hash, row.received_at_ms, e.centers[0])
          .Encode();
  return row;
}

// A small synthetic election and an initialized SQLite store in a
// directory of its own, removed after everything that uses it.
struct SqliteSetup {
  std::string dir = TestDir();
  ~SqliteSetup() { std::filesystem::remove_all(dir); }
  std::unique_ptr<sim::SynthResult> synth;
  std::unique_ptr<store::Store> base;
  const ElectionMaterial& election() const { return synth->election; }
};

void MakeSqliteSetup(uint64_t seed, SqliteSetup& out) {
  sim::SynthOptions so;
  so.tables = 8;
  so.seed = seed;
  so.centers = 2;
  auto synth = sim::SynthesizeElection(so);
  ASSERT_TRUE(synth);
  out.synth = std::make_unique<sim::SynthResult>(std::move(*synth));
  auto base = store::OpenStore("sqlite:" + out.dir + "/store.db");
  ASSERT_TRUE(base);
  out.base = std::move(*base);
  ASSERT_TRUE(out.base->Initialize(out.election().manifest.election_id));
}

TEST(RecoverRaceTest, CheckpointsStoredDuringRecoveryAreFollowedNotCorruption) {
  SqliteSetup setup;  // declared first, so it is destroyed after the sequencers
  ASSERT_NO_FATAL_FAILURE(MakeSqliteSetup(11, setup));
  const ElectionMaterial& e = setup.election();
  std::unique_ptr<store::Store>* base = &setup.base;
  SystemClock clock;

  // The leader: sequences 3 entries, then 2 more arrive unsequenced.
  auto leader_state = center::LogState::Create(e.manifest);
  ASSERT_TRUE(leader_state);
  center::Sequencer leader(**base, **leader_state, e.centers[0], clock, {});
  ASSERT_TRUE(leader.Recover());
  std::vector<store::AcceptedActa> rows;
  for (size_t i = 0; i < 5; ++i) rows.push_back(Row(e, i));
  ASSERT_TRUE((*base)->InsertAccepted(std::span(rows).first(3)));
  ASSERT_EQ(leader.SequencePending(100).value_or(0), 3u);
  ASSERT_TRUE((*base)->InsertAccepted(std::span(rows).subspan(3)));

  // The restarting node reads size 3, then the leader stores entries 3..4
  // and the checkpoint of size 5 before the node lists the checkpoints.
  InterleavingStore racing(**base);
  racing.before_list = [&] { ASSERT_EQ(leader.SequencePending(100).value_or(0), 2u); };
  auto state = center::LogState::Create(e.manifest);
  ASSERT_TRUE(state);
  center::Sequencer node(racing, **state, e.centers[1], clock, {});
  auto st = node.Recover();
  ASSERT_TRUE(st) << st.error().ToString();
  auto stored = (*base)->ListCheckpoints();
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 3u);  // sizes 0, 3, 5, all signed by the leader
  EXPECT_EQ((*state)->latest()->stored, (*stored)[1])
      << "the node serves the leader's stored checkpoint of size 3, not one of its own";

  // The next Follow takes in what the leader stored meanwhile.
  ASSERT_EQ(node.Follow().value_or(0), 2u);
  EXPECT_EQ((*state)->latest()->stored, (*leader_state)->latest()->stored);
  EXPECT_TRUE(node.healthy());
}

// Issue #15: a checkpoint is signed only over entries the store confirmed.
// The leader's fenced write commits but its answer is lost; the retry is
// refused by the fence; nothing is signed until the store confirms, and then
// the entries the store holds without a checkpoint are adopted and
// checkpointed, exactly once.
TEST(RecoverRaceTest, EntriesWhoseAnswerWasLostAreCheckpointedOnlyOnceConfirmed) {
  SqliteSetup setup;
  ASSERT_NO_FATAL_FAILURE(MakeSqliteSetup(12, setup));
  const ElectionMaterial& e = setup.election();
  std::unique_ptr<store::Store>* base = &setup.base;
  store::FaultInjectingStore faulty(**base);
  SystemClock clock;
  auto state = center::LogState::Create(e.manifest);
  ASSERT_TRUE(state);
  center::Sequencer leader(faulty, **state, e.centers[0], clock, {});
  ASSERT_TRUE(leader.Recover());
  ASSERT_EQ((*state)->latest()->parsed.size, 0u);
  std::vector<store::AcceptedActa> rows;
  for (size_t i = 0; i < 3; ++i) rows.push_back(Row(e, i));
  ASSERT_TRUE((*base)->InsertAccepted(rows));

  // Committed, reported as failed: the retry meets a moved head.
  faulty.FailNextWrites(1, ErrorCode::kUnavailable, store::FaultTiming::kAfterWrite);
  auto n = leader.SequencePending(100);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, ErrorCode::kFailedPrecondition) << n.error().ToString();
  EXPECT_EQ((*base)->SequencedCount().value_or(0), 3u);
  EXPECT_EQ((*state)->latest()->parsed.size, 0u) << "nothing signed over unconfirmed entries";
  EXPECT_EQ((*state)->tree().size(), 0u);

  // No standby confirms yet: still nothing signed or published.
  faulty.FailNextConfirms(2);
  ASSERT_FALSE(leader.SequencePending(100));
  ASSERT_FALSE(leader.SequencePending(100));
  EXPECT_EQ((*state)->latest()->parsed.size, 0u);
  EXPECT_EQ((*base)->ListCheckpoints().value().size(), 1u);

  // Confirmed: adopted and checkpointed once, with the store's order.
  ASSERT_EQ(leader.SequencePending(100).value_or(99), 0u);
  EXPECT_EQ((*state)->latest()->parsed.size, 3u);
  log::MerkleTree expected;
  for (const auto& row : rows) expected.Append(row.leaf_hash);
  EXPECT_EQ((*state)->latest()->parsed.root, expected.Root());
  auto stored = (*base)->ListCheckpoints();
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ(stored->back().size, 3u);
  EXPECT_TRUE(leader.healthy());
}

}  // namespace
}  // namespace acta::testing::chaos
