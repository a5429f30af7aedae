#include "log/merkle.h"

#include <bit>
#include <mutex>
#include <string>

#include "log/hasher.h"

namespace acta::log {
namespace {

// Largest power of two strictly below n; REQUIRES n >= 2. RFC 9162 splits
// every node of n leaves into a left part of this many and the rest.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

MerkleTree::MerkleTree(MerkleTree&& other) noexcept {
  std::unique_lock lock(other.mu_);
  levels_ = std::move(other.levels_);
  other.levels_.clear();
}

MerkleTree& MerkleTree::operator=(MerkleTree&& other) noexcept {
  if (this != &other) {
    std::scoped_lock lock(mu_, other.mu_);
    levels_ = std::move(other.levels_);
    other.levels_.clear();
  }
  return *this;
}

MerkleTree MerkleTree::FromLeafHashes(std::span<const Hash256> leaf_hashes) {
  MerkleTree tree;
  tree.Append(leaf_hashes);
  return tree;
}

uint64_t MerkleTree::Append(const Hash256& leaf_hash) {
  std::unique_lock lock(mu_);
  const uint64_t index = SizeLocked();
  AppendLocked(leaf_hash);
  return index;
}

uint64_t MerkleTree::Append(std::span<const Hash256> leaf_hashes) {
  std::unique_lock lock(mu_);
  const uint64_t first = SizeLocked();
  for (const Hash256& h : leaf_hashes) AppendLocked(h);
  return first;
}

void MerkleTree::Truncate(uint64_t size) {
  std::unique_lock lock(mu_);
  if (size >= SizeLocked()) return;
  // Level k holds one hash per complete block of 2^k leaves.
  for (size_t k = 0; k < levels_.size(); ++k) levels_[k].resize(size >> k);
  while (!levels_.empty() && levels_.back().empty()) levels_.pop_back();
}

void MerkleTree::AppendLocked(const Hash256& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // An even count at a level means its last two hashes just became the two
  // halves of a complete subtree one level up: hash it once, store it, and
  // carry on like a binary counter.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    const auto& level = levels_[k];
    Hash256 parent = HashChildren(level[level.size() - 2], level[level.size() - 1]);
    if (levels_.size() == k + 1) levels_.emplace_back();
    levels_[k + 1].push_back(parent);
  }
}

uint64_t MerkleTree::SizeLocked() const { return levels_.empty() ? 0 : levels_[0].size(); }

uint64_t MerkleTree::size() const {
  std::shared_lock lock(mu_);
  return SizeLocked();
}

Hash256 MerkleTree::Root() const {
  std::shared_lock lock(mu_);
  const uint64_t n = SizeLocked();
  return n == 0 ? EmptyTreeHash() : SubtreeHash(0, n);
}

Result<Hash256> MerkleTree::RootAt(uint64_t size) const {
  std::shared_lock lock(mu_);
  if (size > SizeLocked()) {
    return MakeError(ErrorCode::kInvalidArgument, "root requested for size " +
                                                      std::to_string(size) + " > tree size " +
                                                      std::to_string(SizeLocked()));
  }
  return size == 0 ? EmptyTreeHash() : SubtreeHash(0, size);
}

Result<Hash256> MerkleTree::LeafHash(uint64_t index) const {
  std::shared_lock lock(mu_);
  if (index >= SizeLocked()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "leaf index " + std::to_string(index) + " >= tree size " + std::to_string(SizeLocked()));
  }
  return levels_[0][index];
}

Result<Hash256> MerkleTree::HashAt(unsigned level, uint64_t index) const {
  std::shared_lock lock(mu_);
  if (level >= levels_.size() || index >= levels_[level].size()) {
    return MakeError(ErrorCode::kInvalidArgument, "no complete subtree at level " +
                                                      std::to_string(level) + " index " +
                                                      std::to_string(index) + " in tree of size " +
                                                      std::to_string(SizeLocked()));
  }
  return levels_[level][index];
}

Hash256 MerkleTree::SubtreeHash(uint64_t begin, uint64_t end) const {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    // Callers only ask for RFC 9162 nodes, so a power-of-two range is
    // aligned and complete: it is stored.
    const int k = std::countr_zero(n);
    return levels_[k][begin >> k];
  }
  const uint64_t split = SplitPoint(n);
  return HashChildren(SubtreeHash(begin, begin + split), SubtreeHash(begin + split, end));
}

Result<std::vector<Hash256>> MerkleTree::InclusionProof(uint64_t index, uint64_t size) const {
  std::shared_lock lock(mu_);
  if (size > SizeLocked()) {
    return MakeError(ErrorCode::kInvalidArgument, "inclusion proof for size " +
                                                      std::to_string(size) + " > tree size " +
                                                      std::to_string(SizeLocked()));
  }
  if (index >= size) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "inclusion proof for leaf " + std::to_string(index) + " >= size " + std::to_string(size));
  }
  std::vector<Hash256> proof;
  Path(index, 0, size, proof);
  return proof;
}

// PATH(m, D[begin:end]) of RFC 9162 section 2.1.3.1 with absolute offsets;
// m is relative to begin. The sibling is pushed after the sub-path, so the
// proof runs from the leaf upwards.
void MerkleTree::Path(uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash256>& out) const {
  const uint64_t n = end - begin;
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, begin, begin + k, out);
    out.push_back(SubtreeHash(begin + k, end));
  } else {
    Path(m - k, begin + k, end, out);
    out.push_back(SubtreeHash(begin, begin + k));
  }
}

Result<std::vector<Hash256>> MerkleTree::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  std::shared_lock lock(mu_);
  if (size2 > SizeLocked()) {
    return MakeError(ErrorCode::kInvalidArgument, "consistency proof to size " +
                                                      std::to_string(size2) + " > tree size " +
                                                      std::to_string(SizeLocked()));
  }
  if (size1 > size2) {
    return MakeError(ErrorCode::kInvalidArgument, "consistency proof from size " +
                                                      std::to_string(size1) + " > size " +
                                                      std::to_string(size2));
  }
  std::vector<Hash256> proof;
  if (size1 == 0 || size1 == size2) return proof;
  SubProof(size1, 0, size2, /*whole=*/true, proof);
  return proof;
}

// SUBPROOF(m, D[begin:end], b) of RFC 9162 section 2.1.4.1; `whole` is b:
// true while the old tree's root is still the node being descended, whose
// hash the verifier already has.
void MerkleTree::SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                          std::vector<Hash256>& out) const {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(SubtreeHash(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, whole, out);
    out.push_back(SubtreeHash(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, out);
    out.push_back(SubtreeHash(begin, begin + k));
  }
}

}  // namespace acta::log
