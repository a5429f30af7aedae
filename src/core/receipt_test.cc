#include "core/receipt.h"

#include <gtest/gtest.h>

namespace acta {
namespace {

NamedSigningKey CenterKey() {
  Seed seed;
  seed.fill(0x42);
  return NamedSigningKey::From("center-1", seed);
}

TEST(ReceiptTest, FrozenVectorAndRoundTrip) {
  Hash256 eid = Sha256(AsBytes("acta test election"));
  Hash256 leaf = Sha256(AsBytes("leaf"));
  Receipt r = Receipt::Sign(eid, leaf, 1796500801234, CenterKey());
  Bytes enc = r.Encode();
  ASSERT_EQ(enc.size(), kReceiptSize);
  EXPECT_EQ(HexEncode(enc),
            "01144ab4eec7734393814132173a68502b15b9c7212f1d68781d5d160933ef50"
            "569f91161f43433e49a6de6db680d79f60159f2e4ac9172621a1284642815844"
            "0b000001a247cac6d2f888ca494e4d4f77d3fe791170cc1c231fd29c2d2af040"
            "ed21204db8d8f568dd4f051f26219214da50310f3ed245783f814c06d333d74f"
            "6d0571437b725efaaf7d37a007");
  auto back = Receipt::Decode(enc);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(back->Verify(CenterKey().verifier()));
}

TEST(ReceiptTest, TamperAndWrongKeyFail) {
  Receipt r = Receipt::Sign(Hash256{}, Hash256{}, 5, CenterKey());
  Bytes enc = r.Encode();
  for (size_t bit = 8; bit < enc.size() * 8; ++bit) {
    Bytes bad = enc;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    auto d = Receipt::Decode(bad);
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->Verify(CenterKey().verifier())) << bit;
  }
  auto other = NamedSigningKey::From("center-1", Seed{});
  EXPECT_FALSE(r.Verify(other.verifier()));
}

TEST(ReceiptTest, StrictDecode) {
  Bytes enc = Receipt::Sign(Hash256{}, Hash256{}, 5, CenterKey()).Encode();
  enc.push_back(0);
  EXPECT_EQ(Receipt::Decode(enc).error().message, "receipt must be 141 bytes, got 142");
  enc.pop_back();
  enc[0] = 9;
  EXPECT_EQ(Receipt::Decode(enc).error().code, ErrorCode::kUnsupportedVersion);
}

}  // namespace
}  // namespace acta
