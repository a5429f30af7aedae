// Stateless verification of RFC 9162 inclusion and consistency proofs, for
// clients that hold only roots (from checkpoints) and proofs. Pure functions,
// thread-safe.
//
// Errors (exact codes, so callers can tell a bad request from a lying log):
//   kInvalidArgument  impossible parameters: index >= size, size1 > size2,
//                     an empty tree where a leaf is claimed
//   kMalformed        the proof has the wrong number of hashes for the sizes
//   kCorruption       the proof has the right shape but does not lead to the
//                     given root(s): the log, the proof or the roots are wrong
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::log {

// Number of hashes in an inclusion proof of any leaf index < size, which
// RFC 9162 fixes from (index, size). Returns 0 for size <= 1.
[[nodiscard]] uint64_t InclusionProofSize(uint64_t index, uint64_t size);
// Number of hashes in a consistency proof from size1 to size2
// (0 when size1 == 0 or size1 == size2). REQUIRES size1 <= size2.
[[nodiscard]] uint64_t ConsistencyProofSize(uint64_t size1, uint64_t size2);

// The root implied by an inclusion proof (RFC 9162 section 2.1.3.2 steps
// 1-4). Errors: kInvalidArgument if index >= size, kMalformed if the proof
// length is not InclusionProofSize(index, size).
[[nodiscard]] Result<Hash256> RootFromInclusionProof(const Hash256& leaf_hash, uint64_t index,
                                                     uint64_t size, std::span<const Hash256> proof);

// Checks that leaf_hash is leaf `index` of the tree of `size` leaves whose
// root is `root`. Errors as RootFromInclusionProof, plus kCorruption if the
// computed root differs from `root`.
[[nodiscard]] Status VerifyInclusion(const Hash256& leaf_hash, uint64_t index, uint64_t size,
                                     std::span<const Hash256> proof, const Hash256& root);

// Checks that the tree of size1 leaves with root1 is a prefix of the tree of
// size2 leaves with root2 (RFC 9162 section 2.1.4.2). The cases the RFC
// leaves out are decided as follows:
//   size1 == size2: the proof must be empty and root1 == root2;
//   size1 == 0:     the proof must be empty and root1 must be the empty-tree
//                   hash (every tree extends the empty tree).
// Errors: kInvalidArgument if size1 > size2, kMalformed for a wrong proof
// length, kCorruption if a root does not match.
[[nodiscard]] Status VerifyConsistency(uint64_t size1, uint64_t size2,
                                       std::span<const Hash256> proof, const Hash256& root1,
                                       const Hash256& root2);

}  // namespace acta::log
