#include "core/wire.h"

#include <gtest/gtest.h>

namespace acta {
namespace {

TEST(VarintTest, EncodesMinimally) {
  struct Case {
    uint64_t value;
    const char* hex;
  } cases[] = {{0, "00"},
               {1, "01"},
               {127, "7f"},
               {128, "8001"},
               {300, "ac02"},
               {0xffffffff, "ffffffff0f"},
               {UINT64_MAX, "ffffffffffffffffff01"}};
  for (const auto& c : cases) {
    Bytes out;
    AppendVarint(out, c.value);
    EXPECT_EQ(HexEncode(out), c.hex) << c.value;
    EXPECT_EQ(VarintSize(c.value), out.size());
    WireReader r(out);
    EXPECT_EQ(*r.Varint("v", UINT64_MAX), c.value);
    EXPECT_TRUE(r.done());
  }
}

TEST(VarintTest, RejectsNonMinimal) {
  Bytes b = {0x80, 0x00};
  WireReader r(b);
  auto v = r.Varint("count", UINT64_MAX);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "count at offset 0: non-minimal varint");
  Bytes b2 = {0x81, 0x80, 0x00};
  EXPECT_FALSE(WireReader(b2).Varint("x", UINT64_MAX));
}

TEST(VarintTest, RejectsTruncatedOverflowAndMax) {
  Bytes trunc = {0x80};
  EXPECT_EQ(WireReader(trunc).Varint("x", 10).error().message, "x at offset 0: truncated varint");
  Bytes big = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  EXPECT_EQ(WireReader(big).Varint("x", UINT64_MAX).error().message,
            "x at offset 0: varint overflows 64 bits");
  Bytes eleven(11, 0x80);
  EXPECT_FALSE(WireReader(eleven).Varint("x", UINT64_MAX));
  Bytes v300 = {0xac, 0x02};
  EXPECT_EQ(WireReader(v300).Varint("n", 299).error().message,
            "n at offset 0: value 300 exceeds maximum 299");
}

TEST(WireReaderTest, FixedFields) {
  Bytes b = {1, 0, 0, 0, 2, 9};
  WireReader r(b);
  EXPECT_EQ(*r.U8("a"), 1);
  EXPECT_EQ(*r.U32("b"), 2u);
  EXPECT_EQ(r.U32("c").error().message, "c at offset 5: truncated");
  EXPECT_EQ(r.offset(), 5u);
}

}  // namespace
}  // namespace acta
