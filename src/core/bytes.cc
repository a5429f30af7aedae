#include "core/bytes.h"

#include <sodium.h>

namespace acta {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::string_view kBase45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base45Value(char c) {
  auto pos = kBase45Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string HexEncode(ByteSpan data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xf]);
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return MakeError(ErrorCode::kMalformed, "hex has odd length");
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return MakeError(ErrorCode::kMalformed, "invalid hex character at offset " +
                                                  std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(ByteSpan data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return MakeError(ErrorCode::kMalformed, "invalid base64");
  }
  out.resize(len);
  // libsodium tolerates non-zero padding bits; re-encoding catches them.
  if (Base64Encode(out) != text) return MakeError(ErrorCode::kMalformed, "non-canonical base64");
  return out;
}

bool Base64DecodeInto(std::string_view text, std::span<uint8_t> out) {
  static constexpr auto kValue = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
      v[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    return v;
  }();
  const size_t n = out.size();
  if (text.size() != (n + 2) / 3 * 4) return false;
  const size_t tail = n % 3;  // bytes in the last, padded group
  const size_t pad = tail == 0 ? 0 : 3 - tail;
  for (size_t i = text.size() - pad; i < text.size(); ++i) {
    if (text[i] != '=') return false;
  }
  // Whole groups of four characters first (three bytes each): a MAC header
  // is decoded for every request the ingest listener gets.
  const size_t data_chars = text.size() - pad;
  size_t i = 0, o = 0;
  for (; i + 4 <= data_chars; i += 4) {
    const int8_t a = kValue[static_cast<uint8_t>(text[i])];
    const int8_t b = kValue[static_cast<uint8_t>(text[i + 1])];
    const int8_t c = kValue[static_cast<uint8_t>(text[i + 2])];
    const int8_t d = kValue[static_cast<uint8_t>(text[i + 3])];
    if ((a | b | c | d) < 0) return false;
    const uint32_t group = static_cast<uint32_t>(a) << 18 | static_cast<uint32_t>(b) << 12 |
                           static_cast<uint32_t>(c) << 6 | static_cast<uint32_t>(d);
    out[o] = static_cast<uint8_t>(group >> 16);
    out[o + 1] = static_cast<uint8_t>(group >> 8);
    out[o + 2] = static_cast<uint8_t>(group);
    o += 3;
  }
  uint32_t acc = 0;
  int bits = 0;
  for (; i < data_chars; ++i) {
    const int8_t v = kValue[static_cast<uint8_t>(text[i])];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<uint8_t>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return o == n && acc == 0;  // leftover bits are the padding bits: canonical means zero
}

std::string Base45Encode(ByteSpan data) {
  std::string out;
  out.reserve(data.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    uint32_t n = uint32_t{data[i]} * 256 + data[i + 1];
    out.push_back(kBase45Alphabet[n % 45]);
    out.push_back(kBase45Alphabet[n / 45 % 45]);
    out.push_back(kBase45Alphabet[n / (45 * 45)]);
  }
  if (i < data.size()) {
    uint32_t n = data[i];
    out.push_back(kBase45Alphabet[n % 45]);
    out.push_back(kBase45Alphabet[n / 45]);
  }
  return out;
}

Result<Bytes> Base45Decode(std::string_view text) {
  if (text.size() % 3 == 1) {
    return MakeError(ErrorCode::kMalformed, "base45 length " + std::to_string(text.size()) +
                                                " leaves a dangling character");
  }
  Bytes out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    size_t width = std::min<size_t>(3, text.size() - i);
    uint32_t n = 0;
    uint32_t scale = 1;
    for (size_t k = 0; k < width; ++k) {
      int v = Base45Value(text[i + k]);
      if (v < 0) {
        return MakeError(ErrorCode::kMalformed,
                         "invalid base45 character at offset " + std::to_string(i + k));
      }
      n += static_cast<uint32_t>(v) * scale;
      scale *= 45;
    }
    if (width == 3) {
      if (n > 0xffff) {
        return MakeError(ErrorCode::kMalformed,
                         "base45 triplet at offset " + std::to_string(i) + " exceeds 65535");
      }
      out.push_back(static_cast<uint8_t>(n >> 8));
      out.push_back(static_cast<uint8_t>(n & 0xff));
    } else {
      if (n > 0xff) {
        return MakeError(ErrorCode::kMalformed,
                         "base45 final pair at offset " + std::to_string(i) + " exceeds 255");
      }
      out.push_back(static_cast<uint8_t>(n));
    }
  }
  return out;
}

void AppendU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void AppendU32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}
void AppendU64(Bytes& out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}
uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t LoadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint64_t LoadU64(const uint8_t* p) { return uint64_t{LoadU32(p)} << 32 | LoadU32(p + 4); }

}  // namespace acta
