#include "log/proof.h"

#include <gtest/gtest.h>

#include <string>

#include "core/random.h"
#include "log/hasher.h"
#include "log/merkle.h"
#include "log/test_vectors.h"

namespace acta::log {
namespace {

using vectors::H;
using vectors::Hashes;

const Hash256 kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");
const Hash256 kZeroHash{};

Hash256 Root(uint64_t size) { return H(vectors::kRootHex[size - 1]); }
Hash256 LeafAt(uint64_t index) { return HashLeaf(vectors::Leaf(index)); }

std::vector<Hash256> Append(std::vector<Hash256> proof, const Hash256& h) {
  proof.push_back(h);
  return proof;
}
std::vector<Hash256> Prepend(std::vector<Hash256> proof, const Hash256& h) {
  proof.insert(proof.begin(), h);
  return proof;
}

// The code the contract promises for a rejected inclusion probe.
ErrorCode ExpectedInclusionCode(uint64_t index, uint64_t size, size_t proof_len) {
  if (index >= size) return ErrorCode::kInvalidArgument;
  if (proof_len != InclusionProofSize(index, size)) return ErrorCode::kMalformed;
  return ErrorCode::kCorruption;
}

void ExpectInclusionRejected(const Hash256& leaf, uint64_t index, uint64_t size,
                             const std::vector<Hash256>& proof, const Hash256& root,
                             const std::string& what) {
  auto st = VerifyInclusion(leaf, index, size, proof, root);
  ASSERT_FALSE(st.has_value()) << what;
  EXPECT_EQ(st.error().code, ExpectedInclusionCode(index, size, proof.size()))
      << what << ": " << st.error().ToString();
}

// The probes of the reference verifier tests: each must fail.
void CheckInclusionProbes(const Hash256& leaf, uint64_t index, uint64_t size,
                          const std::vector<Hash256>& proof, const Hash256& root) {
  auto computed = RootFromInclusionProof(leaf, index, size, proof);
  ASSERT_TRUE(computed.has_value()) << computed.error().ToString();
  EXPECT_EQ(*computed, root);
  ASSERT_TRUE(VerifyInclusion(leaf, index, size, proof, root).has_value());

  ExpectInclusionRejected(leaf, index - 1, size, proof, root, "index - 1");
  ExpectInclusionRejected(leaf, index + 1, size, proof, root, "index + 1");
  ExpectInclusionRejected(leaf, index ^ 2, size, proof, root, "index ^ 2");
  ExpectInclusionRejected(leaf, index, size * 2, proof, root, "size * 2");
  ExpectInclusionRejected(leaf, index, size / 2, proof, root, "size / 2");
  ExpectInclusionRejected(HashLeaf(AsBytes("WrongLeaf")), index, size, proof, root, "wrong leaf");
  ExpectInclusionRejected(leaf, index, size, proof, EmptyTreeHash(), "empty root");
  ExpectInclusionRejected(leaf, index, size, proof, kSomeHash, "random root");
  ExpectInclusionRejected(leaf, index, size, Append(proof, kZeroHash), root, "trailing garbage");
  ExpectInclusionRejected(leaf, index, size, Append(proof, root), root, "trailing root");
  ExpectInclusionRejected(leaf, index, size, Prepend(proof, kZeroHash), root, "preceding garbage");
  ExpectInclusionRejected(leaf, index, size, Prepend(proof, root), root, "preceding root");
  for (size_t i = 0; i < proof.size(); ++i) {
    auto wrong = proof;
    wrong[i][0] ^= 8;
    ExpectInclusionRejected(leaf, index, size, wrong, root,
                            "flipped bit 3 of proof " + std::to_string(i));
  }
  if (!proof.empty()) {
    ExpectInclusionRejected(leaf, index, size, std::vector(proof.begin(), proof.end() - 1), root,
                            "removed component");
  }
  if (proof.size() > 1) {
    auto wrong = proof;
    wrong.insert(wrong.begin() + 1, kSomeHash);
    ExpectInclusionRejected(leaf, index, size, wrong, root, "inserted component");
  }
}

TEST(VerifyInclusionTest, ReferenceProofsAndTheirCorruptions) {
  for (const auto& v : vectors::kInclusionVectors) {
    SCOPED_TRACE(std::to_string(v.index) + "/" + std::to_string(v.size));
    CheckInclusionProbes(LeafAt(v.index), v.index, v.size, Hashes(v.proof), Root(v.size));
  }
}

TEST(VerifyInclusionTest, SingleEntryTree) {
  const Hash256 leaf = HashLeaf(AsBytes("data"));
  EXPECT_TRUE(VerifyInclusion(leaf, 0, 1, {}, leaf).has_value());
  EXPECT_EQ(VerifyInclusion(leaf, 0, 1, {}, kZeroHash).error().code, ErrorCode::kCorruption);
  EXPECT_EQ(VerifyInclusion(kZeroHash, 0, 1, {}, leaf).error().code, ErrorCode::kCorruption);
}

TEST(VerifyInclusionTest, ImpossibleIndicesAndEmptyTrees) {
  struct Probe {
    uint64_t index, size;
    ErrorCode code;
  };
  for (const Probe& p :
       {Probe{0, 0, ErrorCode::kInvalidArgument}, Probe{0, 1, ErrorCode::kCorruption},
        Probe{1, 0, ErrorCode::kInvalidArgument}, Probe{2, 1, ErrorCode::kInvalidArgument}}) {
    SCOPED_TRACE(std::to_string(p.index) + "/" + std::to_string(p.size));
    EXPECT_EQ(VerifyInclusion(kSomeHash, p.index, p.size, {}, kZeroHash).error().code, p.code);
    EXPECT_EQ(VerifyInclusion(kZeroHash, p.index, p.size, {}, EmptyTreeHash()).error().code,
              p.code);
    EXPECT_EQ(VerifyInclusion(kSomeHash, p.index, p.size, {}, EmptyTreeHash()).error().code,
              p.code);
  }
}

TEST(VerifyInclusionTest, MessagesNameTheProblem) {
  auto v = vectors::kInclusionVectors[1];
  auto proof = Hashes(v.proof);
  proof.pop_back();
  auto st = VerifyInclusion(LeafAt(v.index), v.index, v.size, proof, Root(v.size));
  EXPECT_EQ(st.error().message, "inclusion proof: 2 hashes, expected 3 for leaf 0 of 8");
  st = VerifyInclusion(LeafAt(v.index), 8, 8, Hashes(v.proof), Root(v.size));
  EXPECT_EQ(st.error().message, "inclusion proof: leaf index 8 >= tree size 8");
}

ErrorCode ExpectedConsistencyCode(uint64_t size1, uint64_t size2, size_t proof_len) {
  if (size1 > size2) return ErrorCode::kInvalidArgument;
  if (proof_len != ConsistencyProofSize(size1, size2)) return ErrorCode::kMalformed;
  return ErrorCode::kCorruption;
}

void ExpectConsistencyRejected(uint64_t size1, uint64_t size2, const std::vector<Hash256>& proof,
                               const Hash256& root1, const Hash256& root2,
                               const std::string& what) {
  auto st = VerifyConsistency(size1, size2, proof, root1, root2);
  ASSERT_FALSE(st.has_value()) << what;
  EXPECT_EQ(st.error().code, ExpectedConsistencyCode(size1, size2, proof.size()))
      << what << ": " << st.error().ToString();
}

void CheckConsistencyProbes(uint64_t size1, uint64_t size2, const std::vector<Hash256>& proof,
                            const Hash256& root1, const Hash256& root2) {
  auto ok = VerifyConsistency(size1, size2, proof, root1, root2);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  if (proof.empty()) return;  // the trivial cases are covered separately
  const Hash256 wrong_root = HashLeaf(AsBytes("WrongRoot"));
  ExpectConsistencyRejected(size1 - 1, size2, proof, root1, root2, "size1 - 1");
  ExpectConsistencyRejected(size1 + 1, size2, proof, root1, root2, "size1 + 1");
  ExpectConsistencyRejected(size1 ^ 2, size2, proof, root1, root2, "size1 ^ 2");
  ExpectConsistencyRejected(size1, size2 * 2, proof, root1, root2, "size2 * 2");
  ExpectConsistencyRejected(size1, size2 / 2, proof, root1, root2, "size2 / 2");
  ExpectConsistencyRejected(size1, size2, proof, wrong_root, root2, "wrong root1");
  ExpectConsistencyRejected(size1, size2, proof, root1, wrong_root, "wrong root2");
  ExpectConsistencyRejected(size1, size2, proof, root2, root1, "swapped roots");
  ExpectConsistencyRejected(size1, size2, {}, root1, root2, "empty proof");
  ExpectConsistencyRejected(size1, size2, Append(proof, kZeroHash), root1, root2,
                            "trailing garbage");
  ExpectConsistencyRejected(size1, size2, Append(proof, root1), root1, root2, "trailing root1");
  ExpectConsistencyRejected(size1, size2, Append(proof, root2), root1, root2, "trailing root2");
  ExpectConsistencyRejected(size1, size2, Prepend(proof, kZeroHash), root1, root2,
                            "preceding garbage");
  ExpectConsistencyRejected(size1, size2, Prepend(proof, root1), root1, root2, "preceding root1");
  ExpectConsistencyRejected(size1, size2, Prepend(proof, root2), root1, root2, "preceding root2");
  ExpectConsistencyRejected(size1, size2, Prepend(proof, proof[0]), root1, root2,
                            "preceding proof[0]");
  ExpectConsistencyRejected(size1, size2, std::vector(proof.begin(), proof.end() - 1), root1, root2,
                            "truncated proof");
  for (size_t i = 0; i < proof.size(); ++i) {
    auto wrong = proof;
    wrong[i][0] ^= 16;
    ExpectConsistencyRejected(size1, size2, wrong, root1, root2,
                              "flipped bit 4 of proof " + std::to_string(i));
  }
}

TEST(VerifyConsistencyTest, ReferenceProofsAndTheirCorruptions) {
  for (const auto& v : vectors::kConsistencyVectors) {
    SCOPED_TRACE(std::to_string(v.size1) + "->" + std::to_string(v.size2));
    CheckConsistencyProbes(v.size1, v.size2, Hashes(v.proof), Root(v.size1), Root(v.size2));
  }
}

TEST(VerifyConsistencyTest, TrivialAndImpossibleSizes) {
  const Hash256 root1 = HashLeaf(AsBytes("don't care 1"));
  const Hash256 root2 = HashLeaf(AsBytes("don't care 2"));
  const Hash256& empty = EmptyTreeHash();
  const std::vector<Hash256> none;
  const std::vector<Hash256> one{empty};
  struct Case {
    uint64_t size1, size2;
    Hash256 root1, root2;
    std::vector<Hash256> proof;
    std::optional<ErrorCode> error;
  };
  const std::vector<Case> cases = {
      // Always consistent: the empty tree with any tree, a tree with itself.
      {0, 0, empty, empty, none, std::nullopt},
      {0, 1, empty, root2, none, std::nullopt},
      {0, 8, empty, root2, none, std::nullopt},
      {1, 1, root2, root2, none, std::nullopt},
      // Same size, different roots.
      {0, 0, empty, root2, none, ErrorCode::kCorruption},
      {1, 1, root1, root2, none, ErrorCode::kCorruption},
      {1, 1, empty, root2, none, ErrorCode::kCorruption},
      // A size-0 tree whose root is not the empty-tree hash (stricter than
      // the Go reference, which ignores root1 there).
      {0, 1, root1, root2, none, ErrorCode::kCorruption},
      // Time travel to the past.
      {1, 0, root1, root2, none, ErrorCode::kInvalidArgument},
      {2, 1, root1, root2, none, ErrorCode::kInvalidArgument},
      // A proof is needed but none is given.
      {1, 2, root1, root2, none, ErrorCode::kMalformed},
      // Roots match but the proof is not empty.
      {0, 0, empty, empty, one, ErrorCode::kMalformed},
      {0, 1, empty, empty, one, ErrorCode::kMalformed},
      {1, 1, empty, empty, one, ErrorCode::kMalformed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.size1) + "->" + std::to_string(c.size2));
    auto st = VerifyConsistency(c.size1, c.size2, c.proof, c.root1, c.root2);
    if (c.error) {
      ASSERT_FALSE(st.has_value());
      EXPECT_EQ(st.error().code, *c.error) << st.error().ToString();
    } else {
      EXPECT_TRUE(st.has_value()) << st.error().ToString();
    }
  }
}

TEST(VerifyConsistencyTest, MessagesNameTheProblem) {
  const auto& v = vectors::kConsistencyVectors[2];  // 6 -> 8
  auto st = VerifyConsistency(6, 8, Hashes(v.proof), Root(6), Root(7));
  EXPECT_EQ(st.error().message, "consistency proof: new root " + HexEncode(Root(8)) +
                                    " computed, expected " + HexEncode(Root(7)));
  st = VerifyConsistency(6, 8, Hashes(v.proof), Root(5), Root(8));
  EXPECT_EQ(st.error().message, "consistency proof: old root " + HexEncode(Root(6)) +
                                    " computed, expected " + HexEncode(Root(5)));
  st = VerifyConsistency(6, 8, {}, Root(6), Root(8));
  EXPECT_EQ(st.error().message, "consistency proof: 0 hashes, expected 3 for sizes 6 and 8");
}

// Property test: for random trees, every proof the tree produces verifies,
// has the length the verifier expects, and any single flipped bit (in a
// proof hash, the leaf or a root) makes verification fail with kCorruption.
TEST(ProofPropertyTest, TreeProofsVerifyAndEveryBitMatters) {
  SeededRandom rng(20240611);
  std::vector<Hash256> leaves;
  for (int i = 0; i < 300; ++i) {
    Bytes entry(1 + rng.Uniform(40));
    rng.Fill(entry);
    leaves.push_back(HashLeaf(entry));
  }
  auto flip = [&](Hash256 h) {
    const uint64_t bit = rng.Uniform(256);
    h[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    return h;
  };
  for (int round = 0; round < 12; ++round) {
    const uint64_t size = 1 + rng.Uniform(leaves.size());
    SCOPED_TRACE("size " + std::to_string(size));
    const MerkleTree tree = MerkleTree::FromLeafHashes(std::span(leaves).first(size));
    const Hash256 root = tree.Root();
    for (uint64_t i = 0; i < size; ++i) {
      const auto proof = tree.InclusionProof(i, size).value();
      ASSERT_EQ(proof.size(), InclusionProofSize(i, size));
      ASSERT_TRUE(VerifyInclusion(leaves[i], i, size, proof, root).has_value()) << i;
      for (size_t j = 0; j < proof.size(); ++j) {
        auto wrong = proof;
        wrong[j] = flip(wrong[j]);
        ASSERT_EQ(VerifyInclusion(leaves[i], i, size, wrong, root).error().code,
                  ErrorCode::kCorruption);
      }
      ASSERT_EQ(VerifyInclusion(flip(leaves[i]), i, size, proof, root).error().code,
                ErrorCode::kCorruption);
      ASSERT_EQ(VerifyInclusion(leaves[i], i, size, proof, flip(root)).error().code,
                ErrorCode::kCorruption);
    }
    for (uint64_t s1 = 1; s1 <= size; ++s1) {
      const Hash256 root1 = tree.RootAt(s1).value();
      const auto proof = tree.ConsistencyProof(s1, size).value();
      ASSERT_EQ(proof.size(), ConsistencyProofSize(s1, size));
      ASSERT_TRUE(VerifyConsistency(s1, size, proof, root1, root).has_value()) << s1;
      for (size_t j = 0; j < proof.size(); ++j) {
        auto wrong = proof;
        wrong[j] = flip(wrong[j]);
        ASSERT_EQ(VerifyConsistency(s1, size, wrong, root1, root).error().code,
                  ErrorCode::kCorruption)
            << s1 << " element " << j;
      }
      ASSERT_EQ(VerifyConsistency(s1, size, proof, flip(root1), root).error().code,
                ErrorCode::kCorruption);
      ASSERT_EQ(VerifyConsistency(s1, size, proof, root1, flip(root)).error().code,
                ErrorCode::kCorruption);
    }
    ASSERT_TRUE(VerifyConsistency(0, size, {}, EmptyTreeHash(), root).has_value());
  }
}

}  // namespace
}  // namespace acta::log
