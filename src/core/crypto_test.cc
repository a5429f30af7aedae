#include "core/crypto.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/file.h"

namespace acta {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update(AsBytes("a"));
  h.Update(AsBytes("bc"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
}

// tests/vectors/ed25519.json: RFC 8032 tests and edge cases (non-canonical
// S, small-order and mixed-order points, non-canonical encodings) with the
// verdict both sides must give; the observers' page checks the same file
// (tests/browser/observer_unit.test.mjs), so the browser and libsodium never
// disagree about a signature.
TEST(Ed25519Test, SharedVectorsWithTheBrowser) {
  auto text = ReadTextFile(std::string(ACTA_SOURCE_DIR) + "/tests/vectors/ed25519.json");
  ASSERT_TRUE(text.has_value());
  const auto doc = nlohmann::json::parse(*text);
  ASSERT_GE(doc["vectors"].size(), 12u);
  for (const auto& v : doc["vectors"]) {
    const std::string name = v["name"];
    auto key = HexDecodeFixed<32>(v["public_key"].get<std::string>());
    auto sig = HexDecodeFixed<64>(v["signature"].get<std::string>());
    auto msg = HexDecode(v["message"].get<std::string>());
    ASSERT_TRUE(key && sig && msg) << name;
    EXPECT_EQ(VerifySignature(*key, *msg, *sig), v["valid"].get<bool>()) << name;
  }
}

// RFC 8032 section 7.1, TEST 1 and TEST 2.
TEST(Ed25519Test, Rfc8032Vectors) {
  auto seed =
      *HexDecodeFixed<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  SigningKey key = SigningKey::FromSeed(seed);
  EXPECT_EQ(HexEncode(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Signature sig = key.Sign({});
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(VerifySignature(key.public_key(), {}, sig));
  EXPECT_EQ(key.seed(), seed);

  auto seed2 =
      *HexDecodeFixed<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  SigningKey key2 = SigningKey::FromSeed(seed2);
  uint8_t msg[] = {0x72};
  EXPECT_EQ(HexEncode(key2.Sign(msg)),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
}

TEST(Ed25519Test, AnyFlippedBitFails) {
  SigningKey key = SigningKey::FromSeed(Seed{1});
  Bytes msg = {1, 2, 3, 4, 5};
  Signature sig = key.Sign(msg);
  for (size_t i = 0; i < sig.size() * 8; ++i) {
    Signature bad = sig;
    bad[i / 8] ^= static_cast<uint8_t>(1 << (i % 8));
    EXPECT_FALSE(VerifySignature(key.public_key(), msg, bad)) << i;
  }
  for (size_t i = 0; i < msg.size() * 8; ++i) {
    Bytes bad = msg;
    bad[i / 8] ^= static_cast<uint8_t>(1 << (i % 8));
    EXPECT_FALSE(VerifySignature(key.public_key(), bad, sig)) << i;
  }
}

// Frozen vectors for the transport MAC and key derivation (docs/FORMATS.md).
TEST(TransportMacTest, FrozenVectors) {
  TransportKey master;
  for (size_t i = 0; i < master.size(); ++i) master[i] = static_cast<uint8_t>(i);
  TransportKey table_key = DeriveTransportKey(master, 1001);
  EXPECT_EQ(HexEncode(table_key),
            "ba7ceab933a28890e6e41a8646cbc03ae5062e920ba1ed41c48576b11e8974d3");
  EXPECT_EQ(TransportKeyId(master), "311a0395f1d0bc48");
  Mac mac = ComputeMac(table_key, AsBytes("acta"));
  EXPECT_EQ(HexEncode(mac), "f22a1ae7da2581ec091bccfc6be15846");
  EXPECT_TRUE(VerifyMac(table_key, AsBytes("acta"), mac));
  mac[0] ^= 1;
  EXPECT_FALSE(VerifyMac(table_key, AsBytes("acta"), mac));
  EXPECT_NE(DeriveTransportKey(master, 1002), table_key);
}

}  // namespace
}  // namespace acta
