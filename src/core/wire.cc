#include "core/wire.h"

namespace acta {

void AppendVarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

std::unexpected<Error> WireReader::Fail(std::string_view field, std::string_view why) const {
  return MakeError(ErrorCode::kMalformed, std::string(field) + " at offset " +
                                              std::to_string(pos_) + ": " + std::string(why));
}

Result<uint8_t> WireReader::U8(std::string_view field) {
  if (remaining() < 1) return Fail(field, "truncated");
  return data_[pos_++];
}

Result<uint32_t> WireReader::U32(std::string_view field) {
  if (remaining() < 4) return Fail(field, "truncated");
  uint32_t v = LoadU32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint64_t> WireReader::U64(std::string_view field) {
  if (remaining() < 8) return Fail(field, "truncated");
  uint64_t v = LoadU64(data_.data() + pos_);
  pos_ += 8;
  return v;
}

Result<uint64_t> WireReader::Varint(std::string_view field, uint64_t max) {
  uint64_t v = 0;
  const size_t start = pos_;
  for (int shift = 0;; shift += 7) {
    if (remaining() < 1) {
      pos_ = start;
      return Fail(field, "truncated varint");
    }
    if (shift > 63) {
      pos_ = start;
      return Fail(field, "varint longer than 10 bytes");
    }
    uint8_t b = data_[pos_++];
    uint64_t part = b & 0x7f;
    if (shift == 63 && part > 1) {
      pos_ = start;
      return Fail(field, "varint overflows 64 bits");
    }
    v |= part << shift;
    if ((b & 0x80) == 0) {
      // A multi-byte varint whose last byte is zero could have been shorter.
      if (b == 0 && pos_ - start > 1) {
        pos_ = start;
        return Fail(field, "non-minimal varint");
      }
      break;
    }
  }
  if (v > max) {
    pos_ = start;
    return Fail(field, "value " + std::to_string(v) + " exceeds maximum " + std::to_string(max));
  }
  return v;
}

Result<ByteSpan> WireReader::Take(size_t n, std::string_view field) {
  if (remaining() < n) return Fail(field, "truncated: need " + std::to_string(n) + " bytes");
  ByteSpan out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

}  // namespace acta
