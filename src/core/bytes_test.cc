#include "core/bytes.h"

#include <gtest/gtest.h>

namespace acta {
namespace {

TEST(HexTest, RoundTripAndRejects) {
  Bytes data = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(data), "0001abff");
  EXPECT_EQ(*HexDecode("0001ABff"), data);
  EXPECT_EQ(HexDecode("abc").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(HexDecode("zz").error().message, "invalid hex character at offset 0");
  EXPECT_EQ(HexDecodeFixed<2>("0001ab").error().code, ErrorCode::kMalformed);
}

TEST(Base64Test, RoundTripAndStrictness) {
  EXPECT_EQ(Base64Encode(AsBytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(AsBytes("fo")), "Zm8=");
  EXPECT_EQ(AsChars(*Base64Decode("Zm8=")), "fo");
  EXPECT_FALSE(Base64Decode("Zm8"));   // missing padding
  EXPECT_FALSE(Base64Decode("Zm9="));  // non-zero padding bits
  EXPECT_FALSE(Base64Decode("Zm 8="));
}

TEST(Base64Test, DecodeIntoAgreesWithDecode) {
  // Every length 0..20 and every padding case, against the allocating decoder.
  for (size_t n = 0; n <= 20; ++n) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(0xf7 * (i + 1) + n);
    const std::string text = Base64Encode(data);
    Bytes out(n, 0xaa);
    ASSERT_TRUE(Base64DecodeInto(text, out)) << text;
    EXPECT_EQ(out, data);
    Bytes wrong_size(n + 1);
    EXPECT_FALSE(Base64DecodeInto(text, wrong_size));
  }
  std::array<uint8_t, 2> two{};
  EXPECT_TRUE(Base64DecodeInto("Zm8=", two));
  EXPECT_EQ(AsChars(two), "fo");
  EXPECT_FALSE(Base64DecodeInto("Zm9=", two));  // non-zero padding bits
  EXPECT_FALSE(Base64DecodeInto("Zm8", two));   // missing padding
  EXPECT_FALSE(Base64DecodeInto("Zm==", two));  // one byte, not two
  EXPECT_FALSE(Base64DecodeInto("Z 8=", two));  // outside the alphabet
  EXPECT_FALSE(Base64DecodeInto("Zm8A", two));  // data where padding belongs
  std::array<uint8_t, 16> mac{};
  EXPECT_TRUE(Base64DecodeInto("AAECAwQFBgcICQoLDA0ODw==", mac));
  EXPECT_EQ(mac[15], 15);
  EXPECT_FALSE(Base64DecodeInto("AAECAwQFBgcICQoLDA0ODx==", mac));  // padding bits set
  EXPECT_FALSE(Base64DecodeInto("AAECAwQFBgcICQoLDA0ODw=", mac));
}

// RFC 9285 section 4.
TEST(Base45Test, RfcVectors) {
  EXPECT_EQ(Base45Encode(AsBytes("AB")), "BB8");
  EXPECT_EQ(Base45Encode(AsBytes("Hello!!")), "%69 VD92EX0");
  EXPECT_EQ(Base45Encode(AsBytes("base-45")), "UJCLQE7W581");
  EXPECT_EQ(AsChars(*Base45Decode("QED8WEX0")), "ietf!");
  EXPECT_EQ(Base45Encode({}), "");
}

TEST(Base45Test, StrictDecoding) {
  EXPECT_EQ(Base45Decode("GGW").error().message, "base45 triplet at offset 0 exceeds 65535");
  EXPECT_EQ(Base45Decode("B").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(Base45Decode("bb8").error().message, "invalid base45 character at offset 0");
  EXPECT_EQ(Base45Decode(":6").error().message, "base45 final pair at offset 0 exceeds 255");
}

TEST(Base45Test, RoundTripAllLengths) {
  Bytes data;
  for (int n = 0; n < 300; ++n) {
    auto decoded = Base45Decode(Base45Encode(data));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, data);
    data.push_back(static_cast<uint8_t>(n * 37 + 11));
  }
}

TEST(FixedIntTest, BigEndian) {
  Bytes out;
  AppendU16(out, 0x0102);
  AppendU32(out, 0x03040506);
  AppendU64(out, 0x0708090a0b0c0d0eULL);
  EXPECT_EQ(HexEncode(out), "0102030405060708090a0b0c0d0e");
  EXPECT_EQ(LoadU16(out.data()), 0x0102);
  EXPECT_EQ(LoadU32(out.data() + 2), 0x03040506u);
  EXPECT_EQ(LoadU64(out.data() + 6), 0x0708090a0b0c0d0eULL);
}

}  // namespace
}  // namespace acta
