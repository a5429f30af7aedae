// RFC 9162 section 2.1.1 hashing, shared by the tree (merkle.h) and the
// stateless verifiers (proof.h):
//   leaf hash  = SHA-256(0x00 || entry)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
// All functions are pure and thread-safe.
#pragma once

#include "core/bytes.h"

namespace acta::log {

// SHA-256(0x00 || entry); the same as core/acta.h LeafHashOf.
[[nodiscard]] Hash256 HashLeaf(ByteSpan entry);
// SHA-256(0x01 || left || right).
[[nodiscard]] Hash256 HashChildren(const Hash256& left, const Hash256& right);
// The root of the empty tree, SHA-256 of the empty string.
[[nodiscard]] const Hash256& EmptyTreeHash();

}  // namespace acta::log
