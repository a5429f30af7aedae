#include "log/hasher.h"

#include <algorithm>

#include "core/acta.h"
#include "core/crypto.h"

namespace acta::log {

Hash256 HashLeaf(ByteSpan entry) { return LeafHashOf(entry); }

Hash256 HashChildren(const Hash256& left, const Hash256& right) {
  // One-shot hash over a stack buffer: node hashing is the hot path of
  // Append and of proof building, and the incremental hasher allocates.
  uint8_t buf[1 + 2 * sizeof(Hash256)];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 1 + left.size());
  return Sha256(ByteSpan(buf, sizeof(buf)));
}

const Hash256& EmptyTreeHash() {
  static const Hash256 kEmpty = Sha256(ByteSpan());
  return kEmpty;
}

}  // namespace acta::log
