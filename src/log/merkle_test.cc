#include "log/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <thread>

#include "core/random.h"
#include "log/hasher.h"
#include "log/test_vectors.h"

namespace acta::log {
namespace {

using vectors::H;
using vectors::Hashes;

MerkleTree ReferenceTree() {
  MerkleTree tree;
  for (size_t i = 0; i < vectors::kLeafHex.size(); ++i) tree.Append(HashLeaf(vectors::Leaf(i)));
  return tree;
}

std::vector<Hash256> SequentialLeaves(size_t n) {
  std::vector<Hash256> leaves;
  for (size_t i = 0; i < n; ++i) {
    Bytes entry;
    AppendU64(entry, i);
    leaves.push_back(HashLeaf(entry));
  }
  return leaves;
}

// Naive RFC 9162 section 2.1 definitions over a leaf list, to cross-check the
// stored-level implementation.
uint64_t Split(uint64_t n) { return std::bit_floor(n - 1); }

Hash256 RefMth(std::span<const Hash256> d) {
  if (d.empty()) return EmptyTreeHash();
  if (d.size() == 1) return d[0];
  const uint64_t k = Split(d.size());
  return HashChildren(RefMth(d.first(k)), RefMth(d.subspan(k)));
}

std::vector<Hash256> RefPath(uint64_t m, std::span<const Hash256> d) {
  if (d.size() <= 1) return {};
  const uint64_t k = Split(d.size());
  std::vector<Hash256> out;
  if (m < k) {
    out = RefPath(m, d.first(k));
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefPath(m - k, d.subspan(k));
    out.push_back(RefMth(d.first(k)));
  }
  return out;
}

std::vector<Hash256> RefSubProof(uint64_t m, std::span<const Hash256> d, bool b) {
  if (m == d.size()) return b ? std::vector<Hash256>{} : std::vector<Hash256>{RefMth(d)};
  const uint64_t k = Split(d.size());
  std::vector<Hash256> out;
  if (m <= k) {
    out = RefSubProof(m, d.first(k), b);
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefSubProof(m - k, d.subspan(k), false);
    out.push_back(RefMth(d.first(k)));
  }
  return out;
}

TEST(MerkleTreeTest, EmptyTree) {
  MerkleTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.Root(), H(vectors::kEmptyTreeHex));
  EXPECT_EQ(tree.RootAt(0).value(), H(vectors::kEmptyTreeHex));
  EXPECT_EQ(tree.RootAt(1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.LeafHash(0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.HashAt(0, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(0, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(tree.ConsistencyProof(0, 0).value().empty());
  EXPECT_EQ(tree.ConsistencyProof(0, 1).error().code, ErrorCode::kInvalidArgument);
}

TEST(MerkleTreeTest, ReferenceRootsWhileGrowing) {
  MerkleTree tree;
  for (size_t i = 0; i < vectors::kLeafHex.size(); ++i) {
    EXPECT_EQ(tree.Append(HashLeaf(vectors::Leaf(i))), i);
    EXPECT_EQ(tree.size(), i + 1);
    EXPECT_EQ(HexEncode(tree.Root()), vectors::kRootHex[i]);
    EXPECT_EQ(tree.RootAt(0).value(), H(vectors::kEmptyTreeHex));
    for (size_t j = 0; j <= i; ++j) {
      EXPECT_EQ(HexEncode(tree.RootAt(j + 1).value()), vectors::kRootHex[j]) << i << " " << j;
    }
    EXPECT_EQ(tree.RootAt(i + 2).error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(MerkleTreeTest, BatchAppendMatchesSingleAppends) {
  std::vector<Hash256> leaves;
  for (size_t i = 0; i < vectors::kLeafHex.size(); ++i)
    leaves.push_back(HashLeaf(vectors::Leaf(i)));
  MerkleTree tree;
  EXPECT_EQ(tree.Append(std::span(leaves).first(3)), 0u);
  EXPECT_EQ(HexEncode(tree.Root()), vectors::kRootHex[2]);
  EXPECT_EQ(tree.Append(std::span(leaves).subspan(3)), 3u);
  EXPECT_EQ(HexEncode(tree.Root()), vectors::kRootHex[7]);
  EXPECT_EQ(MerkleTree::FromLeafHashes(leaves).Root(), tree.Root());
}

TEST(MerkleTreeTest, TruncateRestoresTheSmallerTree) {
  const std::vector<Hash256> leaves = SequentialLeaves(100);
  for (uint64_t keep : {0u, 1u, 2u, 37u, 64u, 99u, 100u}) {
    MerkleTree tree = MerkleTree::FromLeafHashes(leaves);
    tree.Truncate(keep);
    ASSERT_EQ(tree.size(), keep);
    const MerkleTree want = MerkleTree::FromLeafHashes(std::span(leaves).first(keep));
    EXPECT_EQ(tree.Root(), want.Root()) << keep;
    for (uint64_t i = 0; i < keep; ++i)
      EXPECT_EQ(*tree.InclusionProof(i, keep), *want.InclusionProof(i, keep));
    // Appending again gives the same tree as never having truncated.
    tree.Append(std::span(leaves).subspan(keep));
    EXPECT_EQ(tree.Root(), MerkleTree::FromLeafHashes(leaves).Root()) << keep;
  }
}

TEST(MerkleTreeTest, ReferenceInclusionProofs) {
  const MerkleTree tree = ReferenceTree();
  for (const auto& v : vectors::kInclusionVectors) {
    auto proof = tree.InclusionProof(v.index, v.size);
    ASSERT_TRUE(proof.has_value()) << proof.error().ToString();
    EXPECT_EQ(*proof, Hashes(v.proof)) << v.index << "/" << v.size;
  }
}

TEST(MerkleTreeTest, ReferenceConsistencyProofs) {
  const MerkleTree tree = ReferenceTree();
  for (const auto& v : vectors::kConsistencyVectors) {
    auto proof = tree.ConsistencyProof(v.size1, v.size2);
    ASSERT_TRUE(proof.has_value()) << proof.error().ToString();
    EXPECT_EQ(*proof, Hashes(v.proof)) << v.size1 << "->" << v.size2;
  }
}

TEST(MerkleTreeTest, OutOfRangeArgumentsAreInvalid) {
  const MerkleTree tree = ReferenceTree();
  EXPECT_EQ(tree.LeafHash(8).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(8, 8).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(0, 9).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.InclusionProof(5, 5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.ConsistencyProof(5, 4).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.ConsistencyProof(1, 9).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.HashAt(3, 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.HashAt(4, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.HashAt(1, 4).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tree.HashAt(200, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(tree.ConsistencyProof(0, 8).value().empty());
  EXPECT_TRUE(tree.ConsistencyProof(8, 8).value().empty());
}

TEST(MerkleTreeTest, HashAtServesCompleteSubtrees) {
  const MerkleTree tree = ReferenceTree();
  for (uint64_t i = 0; i < 8; ++i) EXPECT_EQ(tree.HashAt(0, i).value(), tree.LeafHash(i).value());
  EXPECT_EQ(HexEncode(tree.HashAt(1, 0).value()), vectors::kRootHex[1]);
  EXPECT_EQ(HexEncode(tree.HashAt(2, 0).value()), vectors::kRootHex[3]);
  EXPECT_EQ(HexEncode(tree.HashAt(3, 0).value()), vectors::kRootHex[7]);
  EXPECT_EQ(tree.HashAt(1, 3).value(),
            HashChildren(tree.LeafHash(6).value(), tree.LeafHash(7).value()));
}

// Node-level expectations from transparency-dev/merkle proof_test.go: which
// stored nodes (level, index) make up a proof, with "rehash" ranges folded
// as the verifier's left-sibling chain.
class NodeTest : public ::testing::Test {
 protected:
  NodeTest() : tree_(MerkleTree::FromLeafHashes(SequentialLeaves(95))) {}
  Hash256 N(unsigned level, uint64_t index) { return tree_.HashAt(level, index).value(); }
  // Folds nodes listed from lowest upwards into the hash of their ancestor.
  Hash256 Fold(std::initializer_list<Hash256> nodes) {
    auto it = nodes.begin();
    Hash256 acc = *it++;
    for (; it != nodes.end(); ++it) acc = HashChildren(*it, acc);
    return acc;
  }
  MerkleTree tree_;
};

TEST_F(NodeTest, InclusionProofNodes) {
  using V = std::vector<Hash256>;
  EXPECT_EQ(tree_.InclusionProof(0, 1).value(), V{});
  EXPECT_EQ(tree_.InclusionProof(1, 3).value(), (V{N(0, 0), N(0, 2)}));
  EXPECT_EQ(tree_.InclusionProof(0, 7).value(), (V{N(0, 1), N(1, 1), Fold({N(0, 6), N(1, 2)})}));
  EXPECT_EQ(tree_.InclusionProof(2, 7).value(), (V{N(0, 3), N(1, 0), Fold({N(0, 6), N(1, 2)})}));
  EXPECT_EQ(tree_.InclusionProof(4, 7).value(), (V{N(0, 5), N(0, 6), N(2, 0)}));
  EXPECT_EQ(tree_.InclusionProof(6, 7).value(), (V{N(1, 2), N(2, 0)}));
  EXPECT_EQ(tree_.InclusionProof(3, 5).value(), (V{N(0, 2), N(1, 0), N(0, 4)}));
  EXPECT_EQ(tree_.InclusionProof(4, 6).value(), (V{N(0, 5), N(2, 0)}));
  EXPECT_EQ(tree_.InclusionProof(10, 15).value(),
            (V{N(0, 11), N(1, 4), Fold({N(0, 14), N(1, 6)}), N(3, 0)}));
  EXPECT_EQ(tree_.InclusionProof(24, 31).value(),
            (V{N(0, 25), N(1, 13), Fold({N(0, 30), N(1, 14)}), N(3, 2), N(4, 0)}));
  EXPECT_EQ(
      tree_.InclusionProof(81, 95).value(),
      (V{N(0, 80), N(1, 41), N(2, 21), Fold({N(0, 94), N(1, 46), N(2, 22)}), N(4, 4), N(6, 0)}));
}

TEST_F(NodeTest, ConsistencyProofNodes) {
  using V = std::vector<Hash256>;
  EXPECT_EQ(tree_.ConsistencyProof(1, 2).value(), V{N(0, 1)});
  EXPECT_EQ(tree_.ConsistencyProof(1, 6).value(), (V{N(0, 1), N(1, 1), N(1, 2)}));
  EXPECT_EQ(tree_.ConsistencyProof(2, 8).value(), (V{N(1, 1), N(2, 1)}));
  EXPECT_EQ(tree_.ConsistencyProof(3, 7).value(),
            (V{N(0, 2), N(0, 3), N(1, 0), Fold({N(0, 6), N(1, 2)})}));
  EXPECT_EQ(tree_.ConsistencyProof(4, 7).value(), V{Fold({N(0, 6), N(1, 2)})});
  EXPECT_EQ(tree_.ConsistencyProof(5, 7).value(), (V{N(0, 4), N(0, 5), N(0, 6), N(2, 0)}));
  EXPECT_EQ(tree_.ConsistencyProof(6, 7).value(), (V{N(1, 2), N(0, 6), N(2, 0)}));
  EXPECT_EQ(tree_.ConsistencyProof(7, 8).value(), (V{N(0, 6), N(0, 7), N(1, 2), N(2, 0)}));
  EXPECT_EQ(tree_.ConsistencyProof(3, 6).value(), (V{N(0, 2), N(0, 3), N(1, 0), N(1, 2)}));
  EXPECT_EQ(tree_.ConsistencyProof(10, 15).value(),
            (V{N(1, 4), N(1, 5), Fold({N(0, 14), N(1, 6)}), N(3, 0)}));
  EXPECT_EQ(tree_.ConsistencyProof(24, 31).value(),
            (V{N(3, 2), Fold({N(0, 30), N(1, 14), N(2, 6)}), N(4, 0)}));
  EXPECT_EQ(tree_.ConsistencyProof(81, 95).value(),
            (V{N(0, 80), N(0, 81), N(1, 41), N(2, 21), Fold({N(0, 94), N(1, 46), N(2, 22)}),
               N(4, 4), N(6, 0)}));
  for (uint64_t s = 1; s <= 8; ++s) EXPECT_EQ(tree_.ConsistencyProof(s, s).value(), V{});
}

TEST(MerkleTreeTest, MatchesNaiveDefinitionsForAllSmallSizes) {
  const auto leaves = SequentialLeaves(70);
  const MerkleTree tree = MerkleTree::FromLeafHashes(leaves);
  for (uint64_t n = 0; n <= leaves.size(); ++n) {
    const auto d = std::span(leaves).first(n);
    ASSERT_EQ(tree.RootAt(n).value(), RefMth(d)) << n;
    for (uint64_t m = 0; m < n; ++m) {
      ASSERT_EQ(tree.InclusionProof(m, n).value(), RefPath(m, d)) << m << "/" << n;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_EQ(tree.ConsistencyProof(m, n).value(), RefSubProof(m, d, true)) << m << "->" << n;
    }
  }
}

TEST(MerkleTreeTest, LargerTreeSampledAgainstNaiveDefinitions) {
  const auto leaves = SequentialLeaves(5000);
  MerkleTree tree;
  SeededRandom rng(7);
  for (size_t i = 0; i < leaves.size(); ++i) {
    tree.Append(leaves[i]);
    if (rng.Uniform(500) == 0) {
      EXPECT_EQ(tree.Root(), RefMth(std::span(leaves).first(i + 1)));
    }
  }
  EXPECT_EQ(tree.Root(), RefMth(leaves));
  for (int probe = 0; probe < 20; ++probe) {
    const uint64_t n = 1 + rng.Uniform(leaves.size());
    const uint64_t m = rng.Uniform(n);
    const auto d = std::span(leaves).first(n);
    EXPECT_EQ(tree.InclusionProof(m, n).value(), RefPath(m, d));
    EXPECT_EQ(tree.ConsistencyProof(m + 1, n).value(), RefSubProof(m + 1, d, true));
  }
}

TEST(MerkleTreeTest, MoveLeavesSourceEmpty) {
  MerkleTree a = ReferenceTree();
  MerkleTree b(std::move(a));
  EXPECT_EQ(HexEncode(b.Root()), vectors::kRootHex[7]);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): documented state
  a = std::move(b);
  EXPECT_EQ(HexEncode(a.Root()), vectors::kRootHex[7]);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move)
}

// One writer appends while readers query older sizes: every answer must match
// the one computed up front, whatever the interleaving.
TEST(MerkleTreeTest, ConcurrentReadersSeeStableHistory) {
  const auto leaves = SequentialLeaves(3000);
  const MerkleTree full = MerkleTree::FromLeafHashes(leaves);
  MerkleTree tree = MerkleTree::FromLeafHashes(std::span(leaves).first(100));
  std::thread writer([&] {
    for (size_t i = 100; i < leaves.size(); ++i) tree.Append(leaves[i]);
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      SeededRandom rng(r);
      for (int i = 0; i < 300; ++i) {
        const uint64_t n = 1 + rng.Uniform(100);
        EXPECT_EQ(tree.RootAt(n).value(), full.RootAt(n).value());
        EXPECT_EQ(tree.InclusionProof(n - 1, n).value(), full.InclusionProof(n - 1, n).value());
        EXPECT_EQ(tree.ConsistencyProof(n / 2, n).value(), full.ConsistencyProof(n / 2, n).value());
        EXPECT_GE(tree.size(), 100u);
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(tree.Root(), full.Root());
}

}  // namespace
}  // namespace acta::log
