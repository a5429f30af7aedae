#include "log/proof.h"

#include <bit>
#include <string>

#include "log/hasher.h"

namespace acta::log {
namespace {

// The RFC 9162 verification loops move (fn, sn) the same way whatever the
// hashes are; this counts how many proof hashes that walk consumes before sn
// reaches 0, i.e. the only proof length that can verify.
uint64_t WalkLength(uint64_t fn, uint64_t sn) {
  uint64_t count = 0;
  while (sn != 0) {
    if ((fn & 1) != 0 || fn == sn) {
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    }
    fn >>= 1;
    sn >>= 1;
    ++count;
  }
  return count;
}

std::string N(uint64_t v) { return std::to_string(v); }

}  // namespace

uint64_t InclusionProofSize(uint64_t index, uint64_t size) {
  if (size <= 1) return 0;
  return WalkLength(index, size - 1);
}

uint64_t ConsistencyProofSize(uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 >= size2) return 0;
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // The walk starts from the first path element; when size1 is a power of
  // two that element is root1 itself, which the proof does not carry.
  const uint64_t with_seed = 1 + WalkLength(fn, sn);
  return std::has_single_bit(size1) ? with_seed - 1 : with_seed;
}

Result<Hash256> RootFromInclusionProof(const Hash256& leaf_hash, uint64_t index, uint64_t size,
                                       std::span<const Hash256> proof) {
  if (index >= size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "inclusion proof: leaf index " + N(index) + " >= tree size " + N(size));
  }
  const uint64_t want = InclusionProofSize(index, size);
  if (proof.size() != want) {
    return MakeError(ErrorCode::kMalformed, "inclusion proof: " + N(proof.size()) +
                                                " hashes, expected " + N(want) + " for leaf " +
                                                N(index) + " of " + N(size));
  }
  // RFC 9162 section 2.1.3.2, steps 2-4.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash256 r = leaf_hash;
  for (const Hash256& p : proof) {
    if (sn == 0) return MakeError(ErrorCode::kMalformed, "inclusion proof: too long");
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return MakeError(ErrorCode::kMalformed, "inclusion proof: too short");
  return r;
}

Status VerifyInclusion(const Hash256& leaf_hash, uint64_t index, uint64_t size,
                       std::span<const Hash256> proof, const Hash256& root) {
  auto computed = RootFromInclusionProof(leaf_hash, index, size, proof);
  if (!computed) return std::unexpected(std::move(computed).error());
  if (*computed != root) {
    return MakeError(ErrorCode::kCorruption,
                     "inclusion proof: leaf " + N(index) + " of " + N(size) + " leads to root " +
                         HexEncode(*computed) + ", expected " + HexEncode(root));
  }
  return Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash256> proof,
                         const Hash256& root1, const Hash256& root2) {
  if (size1 > size2) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "consistency proof: size1 " + N(size1) + " > size2 " + N(size2));
  }
  if (size1 == 0 || size1 == size2) {
    if (!proof.empty()) {
      return MakeError(ErrorCode::kMalformed, "consistency proof: " + N(proof.size()) +
                                                  " hashes, expected 0 for sizes " + N(size1) +
                                                  " and " + N(size2));
    }
    if (size1 == 0 && root1 != EmptyTreeHash()) {
      return MakeError(ErrorCode::kCorruption,
                       "consistency proof: root1 is not the empty-tree hash for size 0");
    }
    if (size1 == size2 && root1 != root2) {
      return MakeError(ErrorCode::kCorruption,
                       "consistency proof: different roots for the same size " + N(size1));
    }
    return Ok();
  }
  const uint64_t want = ConsistencyProofSize(size1, size2);
  if (proof.size() != want) {
    return MakeError(ErrorCode::kMalformed, "consistency proof: " + N(proof.size()) +
                                                " hashes, expected " + N(want) + " for sizes " +
                                                N(size1) + " and " + N(size2));
  }
  // RFC 9162 section 2.1.4.2. Step 2 (prepending root1 when size1 is a power
  // of two) is done by seeding fr/sr from root1 instead of copying the path.
  size_t next = 0;
  const Hash256& seed = std::has_single_bit(size1) ? root1 : proof[next++];
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = seed;
  Hash256 sr = seed;
  for (; next < proof.size(); ++next) {
    const Hash256& c = proof[next];
    if (sn == 0) return MakeError(ErrorCode::kMalformed, "consistency proof: too long");
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return MakeError(ErrorCode::kMalformed, "consistency proof: too short");
  if (fr != root1) {
    return MakeError(ErrorCode::kCorruption, "consistency proof: old root " + HexEncode(fr) +
                                                 " computed, expected " + HexEncode(root1));
  }
  if (sr != root2) {
    return MakeError(ErrorCode::kCorruption, "consistency proof: new root " + HexEncode(sr) +
                                                 " computed, expected " + HexEncode(root2));
  }
  return Ok();
}

}  // namespace acta::log
