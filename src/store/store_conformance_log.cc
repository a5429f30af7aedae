// Conformance tests for the log side of a Store: sequencing, checkpoints and
// streaming entries in log order.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "store/store_conformance.h"

namespace acta::store::testing {
namespace {

std::vector<Hash256> Leaves(const std::vector<AcceptedActa>& actas) {
  std::vector<Hash256> out;
  for (const auto& a : actas) out.push_back(a.leaf_hash);
  return out;
}

Hash256 Root(uint8_t tag) {
  Hash256 root{};
  root.fill(tag);
  return root;
}

// The sequencer's fence (issue #15): the head is compared as (size, root)
// and swapped in the same transaction; a refused call changes nothing.
TEST_P(StoreConformanceTest, SequenceFencedComparesAndSwapsTheTreeHead) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas;
  for (uint32_t t = 0; t < 5; ++t) actas.push_back(TestActa(300 + t));
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  auto leaves = Leaves(actas);
  std::span<const Hash256> all(leaves);
  const TreeHead empty{0, Root(0)};
  const TreeHead two{2, Root(2)};
  ACTA_ASSERT_OK(store->SequenceFenced(empty, all.subspan(0, 2), two));
  // A second sequencer that still expects the empty log, or the right size
  // with another root (its tree is not the store's), or a stale size.
  ACTA_ASSERT_ERROR(store->SequenceFenced(empty, all.subspan(2, 1), TreeHead{1, Root(9)}),
                    ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(
      store->SequenceFenced(TreeHead{2, Root(9)}, all.subspan(2, 1), TreeHead{3, Root(3)}),
      ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(
      store->SequenceFenced(TreeHead{3, Root(2)}, all.subspan(2, 1), TreeHead{4, Root(3)}),
      ErrorCode::kFailedPrecondition);
  // Malformed: next size not expected + leaves, or a root change without leaves.
  ACTA_ASSERT_ERROR(store->SequenceFenced(two, all.subspan(2, 1), TreeHead{4, Root(3)}),
                    ErrorCode::kInvalidArgument);
  ACTA_ASSERT_ERROR(store->SequenceFenced(two, {}, TreeHead{2, Root(3)}),
                    ErrorCode::kInvalidArgument);
  auto count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 2u);
  auto row = store->FindByLeaf(leaves[2]);
  ACTA_ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_FALSE((*row)->seq.has_value());
  ACTA_ASSERT_OK(store->SequenceFenced(two, {}, two));  // nothing to add: no change
  ACTA_ASSERT_OK(store->SequenceFenced(two, all.subspan(2, 1), TreeHead{3, Root(3)}));
  // An unfenced Sequence without a checkpoint leaves the root unknown: the
  // next fenced call is compared on the size alone, and sets the root again.
  ACTA_ASSERT_OK(store->Sequence(3, all.subspan(3, 1), std::nullopt));
  ACTA_ASSERT_OK(
      store->SequenceFenced(TreeHead{4, Root(7)}, all.subspan(4, 1), TreeHead{5, Root(5)}));
  ACTA_ASSERT_ERROR(store->SequenceFenced(TreeHead{5, Root(7)}, {}, TreeHead{5, Root(7)}),
                    ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_OK(store->SequenceFenced(TreeHead{5, Root(5)}, {}, TreeHead{5, Root(5)}));
  ACTA_ASSERT_OK(store->ConfirmReplicated());
}

TEST_P(StoreConformanceTest, SequenceIsContiguousAndRefusesGapsAndOverlaps) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas;
  for (uint32_t t = 0; t < 8; ++t) actas.push_back(TestActa(100 + t));
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  auto leaves = Leaves(actas);
  ACTA_ASSERT_OK(store->Sequence(0, std::span(leaves).subspan(0, 3), std::nullopt));
  ACTA_ASSERT_OK(store->Sequence(3, std::span(leaves).subspan(3, 2), std::nullopt));

  std::span<const Hash256> next(leaves.data() + 5, 1);
  ACTA_ASSERT_ERROR(store->Sequence(4, next, std::nullopt),
                    ErrorCode::kFailedPrecondition);  // overlap
  ACTA_ASSERT_ERROR(store->Sequence(6, next, std::nullopt), ErrorCode::kFailedPrecondition);  // gap
  // A leaf already in the log, alone or listed twice in one call.
  ACTA_ASSERT_ERROR(store->Sequence(5, std::span(leaves.data() + 1, 1), std::nullopt),
                    ErrorCode::kFailedPrecondition);
  std::vector<Hash256> twice = {leaves[5], leaves[5]};
  ACTA_ASSERT_ERROR(store->Sequence(5, twice, std::nullopt), ErrorCode::kFailedPrecondition);
  // An unknown leaf after a valid one: nothing at all is assigned.
  std::vector<Hash256> with_unknown = {leaves[5], TestActa(999).leaf_hash};
  ACTA_ASSERT_ERROR(store->Sequence(5, with_unknown, std::nullopt), ErrorCode::kNotFound);

  auto count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 5u);
  auto row5 = store->FindByLeaf(leaves[5]);
  ACTA_ASSERT_OK(row5);
  ASSERT_TRUE(row5->has_value());
  EXPECT_FALSE((*row5)->seq.has_value());

  ACTA_ASSERT_OK(store->Sequence(5, std::span(leaves).subspan(5), std::nullopt));
  ACTA_ASSERT_OK(store->Sequence(8, {}, std::nullopt));  // empty: allowed, no change
  for (size_t i = 0; i < leaves.size(); ++i) {
    auto row = store->FindByLeaf(leaves[i]);
    ACTA_ASSERT_OK(row);
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->seq, std::optional<uint64_t>(i));
  }
  count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 8u);
}

TEST_P(StoreConformanceTest, SequenceStoresItsCheckpointAtomically) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2), TestActa(3)};
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  auto leaves = Leaves(actas);
  // A checkpoint whose size is not the new log size: nothing happens.
  ACTA_ASSERT_ERROR(store->Sequence(0, leaves, TestCheckpoint(2)), ErrorCode::kFailedPrecondition);
  auto count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 0u);
  auto latest = store->LatestCheckpoint();
  ACTA_ASSERT_OK(latest);
  EXPECT_FALSE(latest->has_value());

  ACTA_ASSERT_OK(store->Sequence(0, leaves, TestCheckpoint(3, 7)));
  latest = store->LatestCheckpoint();
  ACTA_ASSERT_OK(latest);
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ(**latest, TestCheckpoint(3, 7));
}

TEST_P(StoreConformanceTest, TwoSequencersOnOneStoreCannotForkTheLog) {
  std::unique_ptr<Store> a, b;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(a));
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(b));
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2)};
  ACTA_ASSERT_OK(a->InsertAccepted(actas));
  // Both saw an empty log and both try to append at 0, with different order.
  std::vector<Hash256> a_order = {actas[0].leaf_hash, actas[1].leaf_hash};
  std::vector<Hash256> b_order = {actas[1].leaf_hash, actas[0].leaf_hash};
  ACTA_ASSERT_OK(a->Sequence(0, a_order, TestCheckpoint(2, 1)));
  ACTA_ASSERT_ERROR(b->Sequence(0, b_order, TestCheckpoint(2, 2)), ErrorCode::kFailedPrecondition);
  auto list = b->ListCheckpoints();
  ACTA_ASSERT_OK(list);
  EXPECT_EQ(*list, std::vector<StoredCheckpoint>{TestCheckpoint(2, 1)});
  auto row = b->FindByLeaf(actas[1].leaf_hash);
  ACTA_ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->seq, std::optional<uint64_t>(1));
}

TEST_P(StoreConformanceTest, CheckpointsAreListedInOrderAndNeverGoBack) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  ACTA_ASSERT_OK(store->AddCheckpoint(TestCheckpoint(0)));
  std::vector<AcceptedActa> actas;
  for (uint32_t t = 0; t < 5; ++t) actas.push_back(TestActa(t));
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  auto leaves = Leaves(actas);
  ACTA_ASSERT_OK(store->Sequence(0, std::span(leaves).subspan(0, 2), TestCheckpoint(2, 1)));
  ACTA_ASSERT_OK(store->AddCheckpoint(TestCheckpoint(2, 2)));  // re-signed, same size
  ACTA_ASSERT_ERROR(store->AddCheckpoint(TestCheckpoint(3)),
                    ErrorCode::kFailedPrecondition);  // beyond log
  ACTA_ASSERT_OK(store->Sequence(2, std::span(leaves).subspan(2), std::nullopt));
  ACTA_ASSERT_OK(store->AddCheckpoint(TestCheckpoint(5, 3)));
  ACTA_ASSERT_ERROR(store->AddCheckpoint(TestCheckpoint(4)),
                    ErrorCode::kFailedPrecondition);  // goes back
  StoredCheckpoint no_note = TestCheckpoint(5);
  no_note.note.clear();
  ACTA_ASSERT_ERROR(store->AddCheckpoint(no_note), ErrorCode::kInvalidArgument);

  auto list = store->ListCheckpoints();
  ACTA_ASSERT_OK(list);
  EXPECT_EQ(*list, (std::vector<StoredCheckpoint>{TestCheckpoint(0), TestCheckpoint(2, 1),
                                                  TestCheckpoint(2, 2), TestCheckpoint(5, 3)}));
  auto latest = store->LatestCheckpoint();
  ACTA_ASSERT_OK(latest);
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ(**latest, TestCheckpoint(5, 3));
}

// Witness cosignatures (issue #16): one per (size, root, witness), only
// beside a stored checkpoint of that tree, kept as first stored, visible to
// a second store object on the same location (another center node or a
// restarted one).
TEST_P(StoreConformanceTest, CosignaturesAreKeptOnceBesideTheirCheckpoint) {
  std::unique_ptr<Store> store, other;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2), TestActa(3)};
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  auto leaves = Leaves(actas);
  ACTA_ASSERT_OK(store->Sequence(0, std::span(leaves).subspan(0, 2), TestCheckpoint(2, 1)));
  ACTA_ASSERT_OK(store->Sequence(2, std::span(leaves).subspan(2), TestCheckpoint(3, 2)));
  const StoredCheckpoint two = TestCheckpoint(2, 1), three = TestCheckpoint(3, 2);
  const StoredCosignature a{two.size, two.root, 0, "\u2014 w0 AAAA\n"};
  const StoredCosignature b{three.size, three.root, 1, "\u2014 w1 BBBB\n"};
  const StoredCosignature c{three.size, three.root, 0, "\u2014 w0 CCCC\n"};
  ACTA_ASSERT_OK(store->AddCosignature(b));
  ACTA_ASSERT_OK(store->AddCosignature(a));
  ACTA_ASSERT_OK(store->AddCosignature(c));
  // The same witness again for the same tree: the first line stays.
  StoredCosignature again = b;
  again.line = "\u2014 w1 DDDD\n";
  ACTA_ASSERT_OK(store->AddCosignature(again));
  // No stored checkpoint of that tree: size 3 with another root, size 9.
  StoredCosignature other_root = b;
  other_root.root = Root(0xEE);
  ACTA_ASSERT_ERROR(store->AddCosignature(other_root), ErrorCode::kFailedPrecondition);
  StoredCosignature beyond = b;
  beyond.size = 9;
  ACTA_ASSERT_ERROR(store->AddCosignature(beyond), ErrorCode::kFailedPrecondition);
  // Not one line ending in a newline.
  for (const char* bad : {"", "\n", "\u2014 w1 BBBB", "\u2014 w1 BB\nBB\n"}) {
    StoredCosignature malformed = b;
    malformed.line = bad;
    ACTA_ASSERT_ERROR(store->AddCosignature(malformed), ErrorCode::kInvalidArgument);
  }

  ASSERT_NO_FATAL_FAILURE(Open(other));
  ACTA_ASSERT_OK(other->Initialize(kElectionA));
  auto all = other->ListCosignatures(0);
  ACTA_ASSERT_OK(all);
  EXPECT_EQ(*all, (std::vector<StoredCosignature>{a, c, b}));  // by size, root, witness
  auto newer = other->ListCosignatures(3);
  ACTA_ASSERT_OK(newer);
  EXPECT_EQ(*newer, (std::vector<StoredCosignature>{c, b}));
  auto none = other->ListCosignatures(4);
  ACTA_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, ForEachSequencedStreamsRangesInSeqOrder) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas;
  for (uint32_t t = 0; t < 10; ++t) actas.push_back(TestActa(t));
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  ACTA_ASSERT_OK(
      store->InsertAccepted(std::vector<AcceptedActa>{TestActa(77)}));  // stays unsequenced
  // Sequence in reverse arrival order, so seq order differs from arrival.
  std::vector<Hash256> leaves = Leaves(actas);
  std::reverse(leaves.begin(), leaves.end());
  ACTA_ASSERT_OK(store->Sequence(0, leaves, std::nullopt));

  auto collect = [&](uint64_t from, uint64_t to) {
    std::vector<std::pair<uint64_t, uint32_t>> got;  // (seq, table_id)
    auto status = store->ForEachSequenced(from, to, [&](const AcceptedActa& a) -> Status {
      got.emplace_back(a.seq.value_or(~0ULL), a.table_id);
      return Ok();
    });
    EXPECT_TRUE(status.has_value()) << status.error().ToString();
    return got;
  };
  auto expected = [](uint64_t from, uint64_t to) {
    std::vector<std::pair<uint64_t, uint32_t>> want;
    for (uint64_t s = from; s < to; ++s) want.emplace_back(s, static_cast<uint32_t>(9 - s));
    return want;
  };
  EXPECT_EQ(collect(0, 10), expected(0, 10));
  EXPECT_EQ(collect(3, 7), expected(3, 7));
  EXPECT_EQ(collect(8, 1000), expected(8, 10));
  EXPECT_EQ(collect(0, UINT64_MAX), expected(0, 10));
  EXPECT_TRUE(collect(5, 5).empty());
  EXPECT_TRUE(collect(10, 20).empty());
  ACTA_ASSERT_ERROR(
      store->ForEachSequenced(7, 3, [](const AcceptedActa&) -> Status { return Ok(); }),
      ErrorCode::kInvalidArgument);

  // A callback error stops the stream and comes back unchanged.
  int calls = 0;
  auto status = store->ForEachSequenced(0, 10, [&](const AcceptedActa&) -> Status {
    if (++calls == 2) return MakeError(ErrorCode::kResourceExhausted, "enough");
    return Ok();
  });
  ACTA_ASSERT_ERROR(status, ErrorCode::kResourceExhausted);
  EXPECT_EQ(status.error().message, "enough");
  EXPECT_EQ(calls, 2);

  // ForEachAccepted sees every row, sequenced or not, in arrival order.
  std::vector<AcceptedActa> all = AllRows(*store);
  ASSERT_EQ(all.size(), 11u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(all[i].table_id, i);
    EXPECT_EQ(all[i].seq, std::optional<uint64_t>(9 - i));
  }
  EXPECT_EQ(all[10], TestActa(77));
}

}  // namespace
}  // namespace acta::store::testing
