#include "log/checkpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "log/hasher.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/proof.h"

namespace acta::log {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";

// A real checkpoint of the Go checksum database (sum.golang.org), with the
// public key built into the go command; quoted in google/trillian-examples.
constexpr std::string_view kSumDbKey =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
constexpr std::string_view kSumDbText =
    "go.sum database tree\n13485\n/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=\n";
constexpr std::string_view kSumDbSig =
    "Az3grnQReYTvpCrRxT+w50vixbqBlB/aPS8bL8f8KW4HHP+UjLSXOJgCh4f54n8hO6lrESglzyRXMXnhaWzaeY3zqw8=";

std::string SumDbNote() {
  return std::string(kSumDbText) + "\n" + std::string(kDash) + "sum.golang.org " +
         std::string(kSumDbSig) + "\n";
}

Hash256 ElectionId() {
  Hash256 id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(i);
  return id;
}

NamedSigningKey CenterKey() {
  Seed seed;
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(0x20 + i);
  return NamedSigningKey::From(LogOrigin(ElectionId()), seed);
}

TEST(CheckpointTest, RealSumDbCheckpointVerifies) {
  auto key = VerifierKey::Parse(kSumDbKey);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  auto cp = ParseAndVerifyCheckpoint(SumDbNote(), *key, "go.sum database tree");
  ASSERT_TRUE(cp.has_value()) << cp.error().ToString();
  EXPECT_EQ(cp->origin, "go.sum database tree");
  EXPECT_EQ(cp->size, 13485u);
  EXPECT_EQ(Base64Encode(cp->root), "/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=");
  EXPECT_TRUE(cp->extensions.empty());
  EXPECT_EQ(CheckpointText(*cp), kSumDbText);

  // The same note with any change to the text no longer verifies.
  std::string altered = SumDbNote();
  altered.replace(altered.find("13485"), 5, "13486");
  EXPECT_EQ(ParseAndVerifyCheckpoint(altered, *key, "go.sum database tree").error().code,
            ErrorCode::kBadSignature);
  EXPECT_EQ(ParseCheckpointUnverified(altered).value().size, 13486u);
}

// The test vector of docs/FORMATS.md ("Log, checkpoints and tiles"),
// cross-checked with an independent implementation (Python hashlib and
// pyca/cryptography).
TEST(CheckpointTest, FormatsDocumentVector) {
  MerkleTree tree;
  for (std::string_view e : {"acta-0", "acta-1", "acta-2"}) tree.Append(HashLeaf(AsBytes(e)));
  EXPECT_EQ(HexEncode(tree.LeafHash(0).value()),
            "10c706ef7f8cfef52539e23a14f7a78419afc2e74398e505f3d441950a3e491d");
  EXPECT_EQ(HexEncode(tree.LeafHash(1).value()),
            "c42c86110e80ffc0431b414872fb39d16170ee4abca8f6ca5b749f45b88b5ba2");
  EXPECT_EQ(HexEncode(tree.LeafHash(2).value()),
            "5f71a3941ce12fefd6a7760f6092f0b4fde1185542b02b4d916dfd20152124c3");
  EXPECT_EQ(HexEncode(tree.Root()),
            "3bb0a168da7eb6ea9abf9ff97a4b9074bef0e6fdb3645e21464983e8442b90ea");
  auto proof = tree.InclusionProof(2, 3).value();
  ASSERT_EQ(proof.size(), 1u);
  EXPECT_EQ(HexEncode(proof[0]),
            "12fbe05cd00c63b1698db9600f117e74c2687bf9150205e4b48a42809a9334bd");

  const std::string origin =
      "acta/000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  EXPECT_EQ(LogOrigin(ElectionId()), origin);
  const NamedSigningKey key = CenterKey();
  EXPECT_EQ(key.verifier().ToString(),
            origin + "+1fc8f657+ASmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X");

  const Checkpoint cp{origin, 3, tree.Root(), {}};
  const std::string note = SignCheckpoint(cp, key);
  EXPECT_EQ(note, origin + "\n3\nO7ChaNp+tuqav5/5ekuQdL7w5v2zZF4hRkmD6EQrkOo=\n\n" +
                      std::string(kDash) + origin +
                      " H8j2V+khi1bDo3m2Xi760lzUGsAc5e9PfHgui6KNIczxmW+UmL7lWDJ4YCM3fiV/"
                      "6aJTq/8lgbHFxwHaKyA5DEdO6Qg=\n");
  auto parsed = ParseAndVerifyCheckpoint(note, key.verifier(), origin);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, cp);
  EXPECT_TRUE(VerifyInclusion(HashLeaf(AsBytes("acta-2")), 2, 3, proof, parsed->root).has_value());
}

TEST(CheckpointTest, ExtensionLinesRoundTrip) {
  const NamedSigningKey key = CenterKey();
  Checkpoint cp{"example.com/log", 0, {}, {"ext one", "ext two"}};
  cp.root[0] = 0xff;
  const std::string note = SignCheckpoint(cp, key);
  auto text = ParseNote(note).value().text;
  EXPECT_EQ(text,
            "example.com/log\n0\n/wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\next two\n");
  auto parsed = ParseAndVerifyCheckpoint(note, key.verifier(), "example.com/log");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, cp);
}

TEST(CheckpointTest, SignatureRules) {
  const NamedSigningKey key = CenterKey();
  const std::string origin = LogOrigin(ElectionId());
  const std::string note = SignCheckpoint(Checkpoint{origin, 7, {}, {}}, key);
  const NamedSigningKey other = NamedSigningKey::From(origin, Seed{});

  // Only another key's signature.
  const std::string by_other = SignCheckpoint(Checkpoint{origin, 7, {}, {}}, other);
  auto st = ParseAndVerifyCheckpoint(by_other, key.verifier(), origin);
  EXPECT_EQ(st.error().code, ErrorCode::kBadSignature);

  // A cosignature by an unknown key next to ours is ignored.
  const std::string other_line = by_other.substr(by_other.find(kDash));
  EXPECT_TRUE(ParseAndVerifyCheckpoint(note + other_line, key.verifier(), origin).has_value());
  EXPECT_TRUE(ParseAndVerifyCheckpoint(note + other_line, other.verifier(), origin).has_value());

  // Our key with a broken signature.
  std::string broken = note;
  const size_t sig_at = broken.rfind(' ') + 10;
  broken[sig_at] = broken[sig_at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ParseAndVerifyCheckpoint(broken, key.verifier(), origin).error().code,
            ErrorCode::kBadSignature);

  // Signed by the right key for another origin.
  const std::string wrong_origin = "acta/" + std::string(64, 'f');
  const std::string other_log = SignCheckpoint(Checkpoint{wrong_origin, 7, {}, {}}, key);
  st = ParseAndVerifyCheckpoint(other_log, key.verifier(), origin);
  EXPECT_EQ(st.error().code, ErrorCode::kWrongElection);

  // A note that is not a note.
  EXPECT_EQ(ParseAndVerifyCheckpoint("hello\n", key.verifier(), origin).error().code,
            ErrorCode::kMalformed);
}

TEST(CheckpointTest, StrictTextParsing) {
  const std::string root = "\n" + Base64Encode(Hash256{}) + "\n";
  EXPECT_TRUE(ParseCheckpointText("o\n0" + root).has_value());
  EXPECT_EQ(ParseCheckpointText("o\n18446744073709551615" + root).value().size,
            18446744073709551615u);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"leading zero", "o\n013485" + root},
      {"double zero", "o\n00" + root},
      {"plus sign", "o\n+5" + root},
      {"minus sign", "o\n-1" + root},
      {"space", "o\n 5" + root},
      {"hex", "o\n0x5" + root},
      {"empty size", "o\n" + root},
      {"overflow", "o\n18446744073709551616" + root},
      {"empty origin", "\n5" + root},
      {"two lines", "o\n5\n"},
      {"no final newline", "o\n5\n" + Base64Encode(Hash256{})},
      {"31-byte root", "o\n5\n" + Base64Encode(Bytes(31)) + "\n"},
      {"33-byte root", "o\n5\n" + Base64Encode(Bytes(33)) + "\n"},
      {"unpadded root", "o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
      {"non-canonical root", "o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n"},
      {"empty extension line", "o\n5" + root + "\next\n"},
      {"control character", "o\x01\n5" + root},
  };
  for (const auto& [what, text] : bad) {
    auto cp = ParseCheckpointText(text);
    ASSERT_FALSE(cp.has_value()) << what;
    EXPECT_EQ(cp.error().code, ErrorCode::kMalformed) << what;
  }
}

TEST(CheckpointTest, ValidateRejectsUnsignableCheckpoints) {
  EXPECT_TRUE(ValidateCheckpoint(Checkpoint{"o", 1, {}, {"e"}}).has_value());
  EXPECT_EQ(ValidateCheckpoint(Checkpoint{"", 1, {}, {}}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateCheckpoint(Checkpoint{"a\nb", 1, {}, {}}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateCheckpoint(Checkpoint{"o", 1, {}, {""}}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateCheckpoint(Checkpoint{"o", 1, {}, {"x\ty"}}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignCheckpoint(Checkpoint{"a\nb", 1, {}, {}}, CenterKey()), "");
}

}  // namespace
}  // namespace acta::log
