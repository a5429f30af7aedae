#include "core/acta.h"

#include <gtest/gtest.h>

#include "core/testing/acta_fixtures.h"
#include "core/wire.h"

namespace acta {
namespace {

using testing::VectorBody;
using testing::VectorTableSeed;

Acta SignedVector() { return *SignActa(VectorBody(), SigningKey::FromSeed(VectorTableSeed())); }

// The test vector of docs/FORMATS.md, "Acta": checked byte for byte.
TEST(ActaTest, FrozenVector) {
  Acta acta = SignedVector();
  EXPECT_EQ(HexEncode(acta.bytes),
            "01144ab4eec7734393814132173a68502b15b9c7212f1d68781d5d160933ef50"
            "56000003e9000000006b146d40009c030204960182015a140c0a02c801b40114"
            "0ce17eb3d180659e30969ef63010eb2ee5b44804c3f8f476ea596656880d462c"
            "4ea843938b93856602812d95474c8451dd3c64a1489b687d7b2896469cbc90b4"
            "0e");
  EXPECT_EQ(ActaToText(acta),
            "ACTA1:660:J9H8UWPE6TI+A86.2J8D4K5*LNZ84DW3E8FPYBF71JBUB*A300NKT000H209Q2448OWJLB0G/"
            "IQJGKHBMN1$F0V90660CS1Z0G$LQ4%CI66E4KJ36-WTY1TV49%YOW+U8ST8.C:8H9*8L.9JO81TH+%"
            "GBE0EY5R09XWGQ/RLWC289J9DSPF+:IT J9DIE0");
  EXPECT_EQ(HexEncode(acta.LeafHash()),
            "594581310fd49027a2d4372b72c9acc3da1806793d7dece6207853ad3bc6d6f5");
  EXPECT_TRUE(acta.VerifySignature(SigningKey::FromSeed(VectorTableSeed()).public_key()));
}

TEST(ActaTest, RoundTrip) {
  Acta acta = SignedVector();
  auto decoded = DecodeActa(acta.bytes);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(decoded->body, VectorBody());
  EXPECT_EQ(decoded->signature, acta.signature);
  auto from_text = ActaFromText("  " + ActaToText(acta) + "\r\n");
  ASSERT_TRUE(from_text);
  EXPECT_EQ(from_text->bytes, acta.bytes);
}

TEST(ActaTest, EveryFlippedBitIsRejectedOrFailsVerification) {
  Acta acta = SignedVector();
  PublicKey pk = SigningKey::FromSeed(VectorTableSeed()).public_key();
  for (size_t bit = 0; bit < acta.bytes.size() * 8; ++bit) {
    Bytes bad = acta.bytes;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    auto decoded = DecodeActa(bad);
    if (decoded) {
      EXPECT_FALSE(decoded->VerifySignature(pk)) << "bit " << bit;
    }
  }
}

TEST(ActaTest, RejectsWrongVersion) {
  Bytes b = SignedVector().bytes;
  b[0] = 2;
  auto r = DecodeActa(b);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(r.error().message, "acta version 2 is not supported (expected 1)");
}

TEST(ActaTest, RejectsSizes) {
  Bytes b = SignedVector().bytes;
  EXPECT_EQ(DecodeActa(ByteSpan(b).first(kMinActaSize - 1)).error().message,
            "acta too short: 115 bytes, minimum 116");
  Bytes big(kMaxActaSize + 1, 1);
  EXPECT_EQ(DecodeActa(big).error().message, "acta too long: 1025 bytes, maximum 1024");
}

TEST(ActaTest, RejectsTrailingBytes) {
  // One extra byte inside the body: the signature no longer sits where the
  // body ends.
  Bytes b = SignedVector().bytes;
  b.insert(b.end() - kSignatureSize, 0x00);
  auto r = DecodeActa(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_NE(r.error().message.find("unexpected bytes before the signature"), std::string::npos)
      << r.error().message;
}

// Builds bytes by hand so that deliberately bad encodings can be produced.
Bytes Handmade(const std::vector<Bytes>& varint_fields) {
  Bytes b;
  b.push_back(kActaVersion);
  Hash256 eid{};
  b.insert(b.end(), eid.begin(), eid.end());
  AppendU32(b, 7);
  AppendU64(b, 1000);
  for (const Bytes& f : varint_fields) b.insert(b.end(), f.begin(), f.end());
  Signature sig{};
  b.insert(b.end(), sig.begin(), sig.end());
  return b;
}

TEST(ActaTest, RejectsNonMinimalVarint) {
  // correction encoded as 0x80 0x00 instead of 0x00.
  Bytes b = Handmade({{0x80, 0x00}, {0x05}, {0x01}, {0x01}, {0x05}, {0x00}, {0x00}});
  auto r = DecodeActa(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "correction at offset 45: non-minimal varint");
}

TEST(ActaTest, RejectsCountAbove32Bits) {
  Bytes b =
      Handmade({{0x00}, {0x05}, {0x01}, {0x01}, {0x80, 0x80, 0x80, 0x80, 0x10}, {0x00}, {0x00}});
  auto r = DecodeActa(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "contest[0].candidate[0] at offset 49: value 4294967296 exceeds maximum 4294967295");
}

TEST(ActaTest, RejectsContestTotalOverflow) {
  Bytes max32 = {0xff, 0xff, 0xff, 0xff, 0x0f};
  Bytes b = Handmade({{0x00}, {0x05}, {0x01}, {0x01}, max32, {0x01}, {0x00}});
  auto r = DecodeActa(b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("votes in contest overflow"), std::string::npos);
}

TEST(ActaTest, RejectsZeroAndTooManyContests) {
  EXPECT_NE(DecodeActa(Handmade({{0x00}, {0x05}, {0x00}, Bytes(8, 0)}))
                .error()
                .message.find("contest_count"),
            std::string::npos);
  EXPECT_NE(DecodeActa(Handmade({{0x00}, {0x05}, {0x11}, Bytes(8, 0)}))
                .error()
                .message.find("exceeds maximum 16"),
            std::string::npos);
}

TEST(ActaTest, RejectsTruncatedBody) {
  Bytes b = Handmade({{0x00}, {0x05}, {0x02}, {0x01}, {0x05}, {0x00}, {0x00}, Bytes(3, 0)});
  auto r = DecodeActa(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
}

TEST(ActaTest, EncoderRefusesBadShape) {
  ActaBody body = VectorBody();
  body.contests.clear();
  EXPECT_EQ(EncodeActaBody(body).error().code, ErrorCode::kInvalidArgument);
  body = VectorBody();
  body.contests[1].candidates.assign(kMaxCandidates + 1, 1);
  EXPECT_EQ(EncodeActaBody(body).error().code, ErrorCode::kInvalidArgument);
}

TEST(ActaTest, TextFormIsStrict) {
  Acta acta = SignedVector();
  std::string text = ActaToText(acta);
  EXPECT_EQ(ActaFromText(text.substr(6)).error().message, "acta text must start with \"ACTA1:\"");
  std::string lower = text;
  lower[10] = 'a';
  EXPECT_EQ(ActaFromText(lower).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ActaFromText(text + "0").error().code, ErrorCode::kMalformed);
}

}  // namespace
}  // namespace acta
