#include "log/manifest_signatures.h"

#include <gtest/gtest.h>

#include "core/testing/manifest_fixtures.h"
#include "log/note.h"

namespace acta::log {
namespace {

using acta::testing::FixedSeed;
using acta::testing::VectorAuthority;
using acta::testing::VectorManifest;

std::vector<NamedSigningKey> Signers() {
  std::vector<NamedSigningKey> keys = {VectorAuthority()};
  for (uint8_t i = 1; i <= 4; ++i) {
    keys.push_back(NamedSigningKey::From("party-" + std::to_string(i), FixedSeed(0xb0 + i)));
  }
  return keys;
}

ManifestTrust ThreeOfFive() {
  ManifestTrust t;
  for (const auto& k : Signers()) t.signers.push_back(k.verifier());
  t.quorum = 3;
  return t;
}

std::string SignedBy(const Manifest& m, size_t n) {
  std::string sig;
  for (size_t i = 0; i < n; ++i) sig = CosignManifest(m, sig, Signers()[i]).value();
  return sig;
}

TEST(ManifestSignaturesTest, ThreeOfFiveRefusesTwoAndAcceptsThree) {
  const Manifest m = VectorManifest();
  const std::string two = SignedBy(m, 2);
  auto refused = VerifyManifestSignatures(m, two, ThreeOfFive());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kBadSignature);
  // The message names the signatures found.
  EXPECT_NE(refused.error().message.find("2 valid signature(s) by trusted signers, 3 of 5 "
                                         "required; found: test-authority+b1d3abc3 (trusted), "
                                         "party-1+"),
            std::string::npos)
      << refused.error().message;

  auto accepted = VerifyManifestSignatures(m, SignedBy(m, 3), ThreeOfFive());
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(accepted->trusted.size(), 3u);
  EXPECT_TRUE(accepted->others.empty());
}

TEST(ManifestSignaturesTest, UntrustedSignaturesDoNotCountAndAreNamed) {
  const Manifest m = VectorManifest();
  std::string sig = SignedBy(m, 2);
  const NamedSigningKey stranger = NamedSigningKey::From("stranger", FixedSeed(0x77));
  sig = CosignManifest(m, sig, stranger).value();
  auto refused = VerifyManifestSignatures(m, sig, ThreeOfFive());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("stranger+"), std::string::npos);
  EXPECT_NE(refused.error().message.find("(not trusted)"), std::string::npos);
}

TEST(ManifestSignaturesTest, AFailingTrustedSignatureRejectsTheWholeNote) {
  const Manifest m = VectorManifest();
  auto note = ParseNote(SignedBy(m, 3)).value();
  note.signatures[1].signature[0] ^= 1;
  auto refused = VerifyManifestSignatures(m, FormatNote(note), ThreeOfFive());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kBadSignature);
}

TEST(ManifestSignaturesTest, CosignReplacesTheSameSignerAndRefusesAnotherManifest) {
  const Manifest m = VectorManifest();
  const std::string once = SignedBy(m, 2);
  const std::string again = CosignManifest(m, once, Signers()[1]).value();
  EXPECT_EQ(ParseNote(again)->signatures.size(), 2u);
  Manifest other = VectorManifest();
  other.name = "Another Election";
  other.Finalize();
  auto wrong = CosignManifest(other, once, Signers()[2]);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kWrongElection);
  auto verify_other = VerifyManifestSignatures(other, once, ThreeOfFive());
  ASSERT_FALSE(verify_other);
  EXPECT_EQ(verify_other.error().code, ErrorCode::kWrongElection);
}

// A manifest signed by the authority alone, in the one-line form of before
// or as a note, keeps working where the reader pins only that key.
TEST(ManifestSignaturesTest, AuthorityOnlyManifestsKeepWorkingForAuthorityOnlyReaders) {
  const Manifest m = VectorManifest();
  const std::string one_line = SignManifest(m, VectorAuthority());
  auto legacy = VerifyManifestSignatures(m, one_line, AuthorityOnlyTrust(m));
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_TRUE(legacy->one_line_form);
  EXPECT_TRUE(VerifyManifestSignatures(m, SignedBy(m, 1), AuthorityOnlyTrust(m)));
  // The same one-line manifest does not meet a 3-of-5 trust.
  auto refused = VerifyManifestSignatures(m, one_line, ThreeOfFive());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("test-authority+b1d3abc3 (trusted)"), std::string::npos);
  // Cosigning the one-line form starts a note (the old line signs other bytes).
  auto cosigned = CosignManifest(m, one_line, Signers()[1]).value();
  EXPECT_EQ(ParseNote(cosigned)->signatures.size(), 1u);
}

TEST(ManifestSignaturesTest, TrustFileRoundTripAndStrictErrors) {
  const ManifestTrust t = ThreeOfFive();
  auto parsed = ParseManifestTrust("# parties of the 2027 election\n\n" + FormatManifestTrust(t));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->quorum, 3u);
  EXPECT_EQ(parsed->signers.size(), 5u);
  EXPECT_EQ(FormatManifestTrust(*parsed), FormatManifestTrust(t));
  const std::string signer = "signer " + t.signers[0].ToString() + "\n";
  const std::vector<std::string> bad_files = {signer,
                                              "quorum 1\n",
                                              "quorum 2\n" + signer,
                                              "quorum 0\n" + signer,
                                              "quorum 1\nquorum 1\n" + signer,
                                              "quorum 1\n" + signer + signer,
                                              "quorum 1\nkey x\n",
                                              "quorum 01\n" + signer,
                                              "quorum 1\nsigner not-a-vkey\n"};
  for (const std::string& bad : bad_files) {
    auto r = ParseManifestTrust(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << bad;
  }
  EXPECT_NE(ParseManifestTrust("quorum 1\nkey x\n").error().message.find("line 2"),
            std::string::npos);
}

TEST(ManifestSignaturesTest, FingerprintIsTheElectionIdInGroups) {
  EXPECT_EQ(ManifestFingerprint(VectorManifest()), "BB84-D4B9-C306-470E-352A-D344-DFE9-F860");
}

}  // namespace
}  // namespace acta::log
