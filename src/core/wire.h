// Strict readers and writers for acta's binary formats: unsigned LEB128
// varints that must be minimal, fixed big-endian integers, and a reader that
// reports the offset of whatever is wrong.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"

namespace acta {

void AppendVarint(Bytes& out, uint64_t v);
size_t VarintSize(uint64_t v);

class WireReader {
 public:
  explicit WireReader(ByteSpan data) : data_(data) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }

  // Each returns kMalformed naming `field` and the offset on failure.
  Result<uint8_t> U8(std::string_view field);
  Result<uint32_t> U32(std::string_view field);
  Result<uint64_t> U64(std::string_view field);
  // A minimal LEB128 varint no larger than `max`.
  Result<uint64_t> Varint(std::string_view field, uint64_t max);
  Result<ByteSpan> Take(size_t n, std::string_view field);

  std::unexpected<Error> Fail(std::string_view field, std::string_view why) const;

 private:
  ByteSpan data_;
  size_t pos_ = 0;
};

}  // namespace acta
