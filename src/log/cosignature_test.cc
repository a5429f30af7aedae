// cosignature/v1 (c2sp.org/tlog-cosignature) against vectors computed apart
// from this implementation: one made with Python's `cryptography` package
// (the script is in docs/FORMATS.md, "Witness cosignatures"), one built here
// with OpenSSL's EVP API from the spec's text, and the spec's own example.
#include "log/cosignature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
#include "log/quorum.h"

namespace acta::log {
namespace {

using acta::testing::FixedSeed;
using acta::testing::VectorAuthority;
using acta::testing::VectorCenter;

constexpr std::string_view kText =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr uint64_t kTime = 1679315147;
// Seed 0x00 0x01 ... 0x1f, name witness.example/w1 (Python vector).
constexpr std::string_view kPySigner =
    "PRIVATE+KEY+witness.example/w1+e75f6532+BAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
constexpr std::string_view kPyVkey =
    "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr std::string_view kPyLine =
    "\xE2\x80\x94 witness.example/w1 "
    "519lMgAAAABkGFDLBuRDazBLVac2NE+Y+IjbjQOcXLfF9CSDZVUIoS83rE1nFZsVE8YiWV6Ngr7lV8H6bdoBQGP/"
    "l73euDMQ9k+bBQ==\n";

NamedCosignerKey WitnessKey(uint8_t b, std::string name = "w.example/one") {
  return NamedCosignerKey::From(std::move(name), FixedSeed(b));
}

TEST(CosignatureTest, PythonVectorByteForByte) {
  auto key = NamedCosignerKey::Parse(kPySigner);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_EQ(key->ToString(), kPySigner);
  EXPECT_EQ(key->verifier().ToString(), kPyVkey);
  EXPECT_EQ(key->key_id, 0xe75f6532u);
  auto sig = Cosign(kText, *key, kTime);
  ASSERT_TRUE(sig.has_value()) << sig.error().ToString();
  EXPECT_EQ(FormatNoteSignature(*sig), kPyLine);
  auto vkey = CosignerKey::Parse(kPyVkey);
  ASSERT_TRUE(vkey.has_value());
  auto time = VerifyCosignature(kText, sig->signature, *vkey);
  ASSERT_TRUE(time.has_value()) << time.error().ToString();
  EXPECT_EQ(*time, kTime);
}

// The message and key id assembled from the spec's words, signed by OpenSSL
// directly.
TEST(CosignatureTest, OpenSslVectorFromTheSpecText) {
  const Seed seed = FixedSeed(0x77);
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), 32);
  ASSERT_NE(pkey, nullptr);
  uint8_t pub[32];
  size_t pub_len = sizeof pub;
  ASSERT_EQ(EVP_PKEY_get_raw_public_key(pkey, pub, &pub_len), 1);
  const std::string name = "witness.example/openssl";
  std::string id_input = name + "\n";
  id_input += '\x04';
  id_input.append(reinterpret_cast<const char*>(pub), 32);
  uint8_t digest[32];
  SHA256(reinterpret_cast<const uint8_t*>(id_input.data()), id_input.size(), digest);
  const std::string message = "cosignature/v1\ntime 1700000001\n" + std::string(kText);
  uint8_t raw_sig[64];
  size_t sig_len = sizeof raw_sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, pkey), 1);
  ASSERT_EQ(EVP_DigestSign(ctx, raw_sig, &sig_len, reinterpret_cast<const uint8_t*>(message.data()),
                           message.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  Bytes blob(digest, digest + 4);
  AppendU64(blob, 1700000001);
  blob.insert(blob.end(), raw_sig, raw_sig + 64);
  const std::string expected = "\xE2\x80\x94 " + name + " " + Base64Encode(blob) + "\n";

  const NamedCosignerKey key = NamedCosignerKey::From(name, seed);
  EXPECT_EQ(key.key_id, LoadU32(digest));
  auto sig = Cosign(kText, key, 1700000001);
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(FormatNoteSignature(*sig), expected);
}

// The cosigned checkpoint shown in c2sp.org/tlog-cosignature: its witness
// line carries key id 8d66cf3f and the timestamp of the spec's message
// example (the witness key itself is not published).
TEST(CosignatureTest, SpecExampleLineCarriesTheTimestamp) {
  auto note = ParseNote(
      std::string(kText) +
      "\n\xE2\x80\x94 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      "\xE2\x80\x94 witness.example.com/w1 "
      "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
      "mbIUBkBIfZ+qnA==\n");
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  ASSERT_EQ(note->signatures.size(), 2u);
  const NoteSignature& w = note->signatures[1];
  EXPECT_EQ(w.key_id, 0x8d66cf3fu);
  ASSERT_EQ(w.signature.size(), kCosignatureSize);
  EXPECT_EQ(LoadU64(w.signature.data()), kTime);
}

TEST(CosignatureTest, TamperingIsCaught) {
  const NamedCosignerKey key = WitnessKey(0x31);
  auto sig = Cosign(kText, key, kTime).value();
  std::string other(kText);
  other[30] ^= 1;
  EXPECT_EQ(VerifyCosignature(other, sig.signature, key.verifier()).error().code,
            ErrorCode::kBadSignature);
  Bytes later = sig.signature;
  later[7] ^= 1;  // the timestamp is signed too
  EXPECT_EQ(VerifyCosignature(kText, later, key.verifier()).error().code, ErrorCode::kBadSignature);
  Bytes zero = sig.signature;
  std::fill(zero.begin(), zero.begin() + 8, 0);
  EXPECT_EQ(VerifyCosignature(kText, zero, key.verifier()).error().code, ErrorCode::kBadSignature);
  Bytes short_sig(sig.signature.begin(), sig.signature.end() - 1);
  EXPECT_EQ(VerifyCosignature(kText, short_sig, key.verifier()).error().code,
            ErrorCode::kBadSignature);
  EXPECT_EQ(Cosign(kText, key, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Cosign("no newline", key, kTime).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(Cosign(kText, key, kMaxCosignatureTime + 1).error().code, ErrorCode::kInvalidArgument);
}

TEST(CosignatureTest, KeyTypesDoNotMix) {
  const NamedCosignerKey witness = WitnessKey(0x32);
  // A 0x04 vkey is not a note (0x01) key, and the other way round.
  EXPECT_EQ(VerifierKey::Parse(witness.verifier().ToString()).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(NamedSigningKey::Parse(witness.ToString()).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(CosignerKey::Parse(VectorCenter().verifier().ToString()).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(NamedCosignerKey::Parse(VectorCenter().ToString()).error().code, ErrorCode::kMalformed);
  // Same seed and name, other type: other key id.
  EXPECT_NE(witness.key_id, NamedSigningKey::From(witness.name, FixedSeed(0x32)).key_id);
  // Round trip of both text forms.
  EXPECT_EQ(NamedCosignerKey::Parse(witness.ToString())->ToString(), witness.ToString());
  EXPECT_EQ(CosignerKey::Parse(witness.verifier().ToString() + "\n")->ToString(),
            witness.verifier().ToString());
}

// A checkpoint signed by a center and cosigned by three witnesses.
struct Cosigned {
  NamedSigningKey center = VectorCenter();
  std::vector<NamedCosignerKey> witnesses = {WitnessKey(0x41, "w.example/a"),
                                             WitnessKey(0x42, "w.example/b"),
                                             WitnessKey(0x43, "w.example/c")};
  Checkpoint cp{"acta/test", 5, Hash256{}, {}};
  std::string note;
  SignerQuorum policy;

  explicit Cosigned(std::initializer_list<size_t> signers, size_t threshold = 2) {
    cp.root[0] = 7;
    note = SignCheckpoint(cp, center);
    for (size_t i : signers) {
      note += FormatNoteSignature(Cosign(CheckpointText(cp), witnesses[i], kTime + i).value());
    }
    for (const auto& w : witnesses) policy.keys.push_back(NoteKey::Of(w.verifier()));
    policy.threshold = threshold;
  }
  std::vector<VerifierKey> centers() const { return {center.verifier()}; }
};

TEST(CosignedCheckpointTest, ReportsWhichWitnessesSigned) {
  Cosigned c({0, 2});
  auto keys = c.centers();
  auto r = VerifyCosignedCheckpoint(c.note, keys, "acta/test", c.policy);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->checkpoint, c.cp);
  ASSERT_EQ(r->witnesses.size(), 2u);
  EXPECT_EQ(r->witnesses[0].key, 0u);
  EXPECT_EQ(r->witnesses[0].timestamp, kTime);
  EXPECT_EQ(r->witnesses[1].key, 2u);
  EXPECT_EQ(r->witnesses[1].timestamp, kTime + 2);
  EXPECT_TRUE(r->quorum);
  c.policy.threshold = 3;
  EXPECT_FALSE(VerifyCosignedCheckpoint(c.note, keys, "acta/test", c.policy)->quorum);
}

// The compatibility rule: a reader that knows only the center key
// (a plain signed-note verifier) still accepts a cosigned checkpoint.
TEST(CosignedCheckpointTest, CenterKeyOnlyVerifierStillAccepts) {
  Cosigned c({0, 1, 2});
  auto plain = ParseAndVerifyCheckpoint(c.note, c.center.verifier(), "acta/test");
  ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
  EXPECT_EQ(*plain, c.cp);
}

TEST(CosignedCheckpointTest, UnknownWitnessIgnoredKnownFailingRejects) {
  Cosigned c({0});
  auto keys = c.centers();
  // A cosignature by a witness nobody listed changes nothing.
  const NamedCosignerKey stranger = WitnessKey(0x50, "w.example/stranger");
  std::string with_stranger =
      c.note + FormatNoteSignature(Cosign(CheckpointText(c.cp), stranger, kTime).value());
  auto r = VerifyCosignedCheckpoint(with_stranger, keys, "acta/test", c.policy);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->witnesses.size(), 1u);
  EXPECT_FALSE(r->quorum);
  // A listed witness's cosignature over another checkpoint: the note is rejected.
  Checkpoint other = c.cp;
  other.size = 6;
  std::string forged =
      c.note + FormatNoteSignature(Cosign(CheckpointText(other), c.witnesses[1], kTime).value());
  EXPECT_EQ(VerifyCosignedCheckpoint(forged, keys, "acta/test", c.policy).error().code,
            ErrorCode::kBadSignature);
  // No signature by the log key given.
  EXPECT_EQ(VerifyCosignedCheckpoint(c.note, std::vector<VerifierKey>{VectorAuthority().verifier()},
                                     "acta/test", c.policy)
                .error()
                .code,
            ErrorCode::kBadSignature);
  EXPECT_EQ(VerifyCosignedCheckpoint(c.note, keys, "acta/other", c.policy).error().code,
            ErrorCode::kWrongElection);
}

TEST(QuorumTest, ThresholdsAndDuplicates) {
  Cosigned c({1, 1, 2});  // witness b signed twice: counted once
  auto note = ParseNote(c.note).value();
  for (size_t k : {0, 1, 2}) {
    c.policy.threshold = k;
    auto q = CheckQuorum(note, c.policy);
    ASSERT_TRUE(q.has_value());
    EXPECT_TRUE(q->met) << k;
    EXPECT_EQ(q->signers.size(), 2u);
  }
  c.policy.threshold = 3;
  EXPECT_FALSE(CheckQuorum(note, c.policy)->met);
}

}  // namespace
}  // namespace acta::log
