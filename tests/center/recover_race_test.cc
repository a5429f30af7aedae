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

TEST(RecoverRaceTest, CheckpointsStoredDuringRecoveryAreFollowedNotCorruption) {
  sim::SynthOptions so;
  so.tables = 8;
  so.seed = 11;
  so.centers = 2;
  auto synth = sim::SynthesizeElection(so);
  ASSERT_TRUE(synth);
  const ElectionMaterial& e = synth->election;
  const std::string dir = TestDir();
  // Declared before the store and the sequencers, so it runs after them.
  struct RemoveDir {
    std::string path;
    ~RemoveDir() { std::filesystem::remove_all(path); }
  } remove_dir{dir};
  auto base = store::OpenStore("sqlite:" + dir + "/store.db");
  ASSERT_TRUE(base);
  ASSERT_TRUE((*base)->Initialize(e.manifest.election_id));
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

}  // namespace
}  // namespace acta::testing::chaos
