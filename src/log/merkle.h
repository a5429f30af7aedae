// An append-only RFC 9162 Merkle tree over leaf hashes, kept in memory.
//
// The tree stores, for every level k, the hashes of all *complete* subtrees
// of 2^k leaves (level 0 holds the leaf hashes): about two hashes per leaf,
// 64 MB for a million leaves. Append hashes only the subtrees it completes
// (amortised one node hash per leaf); roots and proofs for any size up to
// the current one are assembled from stored complete subtrees with
// O(log n) extra node hashes, so checkpoints of older sizes stay provable.
// Level-k hashes are exactly what C2SP tlog-tiles serves (see tiles.h).
//
// Thread-safety: all methods are safe to call concurrently. An internal
// std::shared_mutex lets any number of readers run together; Append takes it
// exclusively. Stored hashes never change once written, so a reader asking
// about size n gets the same answer before and after later appends.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::log {

class MerkleTree {
 public:
  MerkleTree() = default;
  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;
  // Moves lock the source; the moved-from tree is empty.
  MerkleTree(MerkleTree&& other) noexcept;
  MerkleTree& operator=(MerkleTree&& other) noexcept;

  // Builds a tree from leaf hashes in order.
  static MerkleTree FromLeafHashes(std::span<const Hash256> leaf_hashes);

  // Appends one leaf hash (see hasher.h HashLeaf); returns its index.
  uint64_t Append(const Hash256& leaf_hash);
  // Appends several leaf hashes under one lock; returns the first index.
  uint64_t Append(std::span<const Hash256> leaf_hashes);

  // Drops every leaf at index >= size (and the subtrees they completed), so
  // the tree is exactly the tree of its first `size` leaves again. For a
  // writer whose append was not made durable. No-op if size >= size().
  void Truncate(uint64_t size);

  // Number of leaves.
  [[nodiscard]] uint64_t size() const;

  // Root of the current tree (SHA-256("") when empty).
  [[nodiscard]] Hash256 Root() const;
  // Root of the tree made of the first `size` leaves.
  // Errors: kInvalidArgument if size > this->size().
  [[nodiscard]] Result<Hash256> RootAt(uint64_t size) const;

  // Errors: kInvalidArgument if index >= size().
  [[nodiscard]] Result<Hash256> LeafHash(uint64_t index) const;

  // Hash of the complete subtree of 2^level leaves starting at leaf
  // index << level. Errors: kInvalidArgument unless that subtree is complete
  // in the current tree, i.e. (index + 1) << level <= size().
  [[nodiscard]] Result<Hash256> HashAt(unsigned level, uint64_t index) const;

  // RFC 9162 section 2.1.3.1 inclusion proof of leaf `index` in the tree of
  // the first `size` leaves, ordered from the leaf's sibling upwards.
  // Errors: kInvalidArgument unless index < size <= this->size().
  [[nodiscard]] Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size) const;

  // RFC 9162 section 2.1.4.1 consistency proof between the trees of the first
  // size1 and size2 leaves. Empty when size1 == 0 or size1 == size2.
  // Errors: kInvalidArgument unless size1 <= size2 <= this->size().
  [[nodiscard]] Result<std::vector<Hash256>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

 private:
  // All below REQUIRE mu_ held (shared or exclusive).
  uint64_t SizeLocked() const;
  void AppendLocked(const Hash256& leaf_hash);
  // MTH(D[begin:end]); REQUIRES begin < end <= size, and the range is a node
  // of the RFC 9162 tree (begin aligned to the largest power of two < end-begin).
  Hash256 SubtreeHash(uint64_t begin, uint64_t end) const;
  void Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash256>& out) const;
  void SubProof(uint64_t size1, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash256>& out) const;

  mutable std::shared_mutex mu_;
  // levels_[k][i] = hash of leaves [i << k, (i + 1) << k).
  std::vector<std::vector<Hash256>> levels_;
};

}  // namespace acta::log
