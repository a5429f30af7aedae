// Eight bytes at a time (SWAR): tests over a 64-bit word for the byte
// classes the HTTP hot path scans for (control bytes, non-ASCII, '"').
// Each returns nonzero when some byte of the word is in the class. A borrow
// or carry can also flag bytes next to one that is in the class, never
// instead of it: callers fall back to a byte loop on a nonzero result, so
// "nonzero" only has to mean "look closer".
#pragma once

#include <cstdint>
#include <cstring>

namespace acta::http::internal {

inline constexpr uint64_t kEveryByte = 0x0101010101010101ULL;
inline constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t LoadEightBytes(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// Some byte < limit (limit <= 0x80).
inline uint64_t AnyByteBelow(uint64_t x, uint8_t limit) {
  return (x - limit * kEveryByte) & ~x & kHighBits;
}

// Some byte == c.
inline uint64_t AnyByteEqual(uint64_t x, uint8_t c) {
  return AnyByteBelow(x ^ (c * kEveryByte), 1);
}

// Some byte >= 0x7f (DEL or not ASCII).
inline uint64_t AnyByteDelOrHigh(uint64_t x) { return ((x + kEveryByte) | x) & kHighBits; }

}  // namespace acta::http::internal
