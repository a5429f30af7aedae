// Byte strings and their text forms (hex, base64, base45).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace acta {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;
using Hash256 = std::array<uint8_t, 32>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Lowercase hex.
std::string HexEncode(ByteSpan data);
// Accepts lowercase or uppercase; rejects odd length and non-hex characters.
Result<Bytes> HexDecode(std::string_view hex);
// Decodes exactly N bytes of hex into an array.
template <size_t N>
Result<std::array<uint8_t, N>> HexDecodeFixed(std::string_view hex);

// Standard base64 with padding (RFC 4648 section 4), strict: no whitespace,
// canonical padding bits.
std::string Base64Encode(ByteSpan data);
Result<Bytes> Base64Decode(std::string_view text);
// Decodes exactly out.size() bytes with the same strictness as Base64Decode;
// false (and `out` unspecified) otherwise. A table lookup, not constant
// time and no allocation: for values that are not secret, such as a MAC
// sent in a request header, on paths a flood can drive.
bool Base64DecodeInto(std::string_view text, std::span<uint8_t> out);

// Base45 (RFC 9285). Decoding is strict: characters outside the alphabet,
// a dangling single character, and triplets or pairs whose value exceeds
// what their width can encode are rejected, so every byte string has exactly
// one base45 text.
std::string Base45Encode(ByteSpan data);
Result<Bytes> Base45Decode(std::string_view text);

// Big-endian fixed-width helpers.
void AppendU16(Bytes& out, uint16_t v);
void AppendU32(Bytes& out, uint32_t v);
void AppendU64(Bytes& out, uint64_t v);
uint32_t LoadU32(const uint8_t* p);
uint64_t LoadU64(const uint8_t* p);
uint16_t LoadU16(const uint8_t* p);

template <size_t N>
Result<std::array<uint8_t, N>> HexDecodeFixed(std::string_view hex) {
  auto bytes = HexDecode(hex);
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->size() != N) {
    return MakeError(
        ErrorCode::kMalformed,
        "expected " + std::to_string(N) + " bytes of hex, got " + std::to_string(bytes->size()));
  }
  std::array<uint8_t, N> out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace acta
