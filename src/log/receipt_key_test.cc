#include "log/receipt_key.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/note.h"

namespace acta::log {
namespace {

using acta::testing::FixedSeed;
using acta::testing::VectorCenter;
using acta::testing::VectorManifest;

// docs/FORMATS.md, "Receipt key certificate": computed independently with
// Python's cryptography package (src/log/receipt_key_vector.py).
constexpr char kVectorText[] =
    "acta/v1/receipt-key\n"
    "acta/bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e\n"
    "test-center/receipts/20792+36127004+AYFGZA8CSTr0+8VP4zOI513CyTeuC3cnzCsq+xt1GZo+\n"
    "1796428800000 1797033599999\n";
constexpr char kVectorSignature[] =
    "\n\xe2\x80\x94 test-center "
    "heVw33NL/INR4fWtJ8BlmH9KqhBHF18mBYycSOtdgOtwhuIflQfgVfWEfc620PTVE5HARDm5/"
    "jl6YkylDgu+Gq1j0QU=\n";
constexpr char kVectorReceipt[] =
    "01bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e9f91161f43433e49a6de6db680"
    "d79f60159f2e4ac9172621a12846428158440b000001a247cac6d236127004f30330177310ea1d782b58a5124064"
    "bba41039fcd037216154cde5d7d9b6f816f102de260779653b21e1be80a7d747f2ab1deca825ac38b93aaa1cdea8"
    "73f509";

NamedSigningKey VectorReceiptKey() {
  return NamedSigningKey::From("test-center/receipts/20792", FixedSeed(0x5e));
}

ReceiptKeyCertificate VectorCertificate() {
  return ReceiptKeyCertificate{LogOrigin(VectorManifest().election_id),
                               VectorReceiptKey().verifier(), 1796428800000, 1797033599999};
}

// The key a center derives for day 20792 from the vector center key
// (receipt_key_vector.py, "DERIVED"), and its certificate verifies.
TEST(ReceiptKeyTest, DerivedKeyMatchesTheIndependentComputation) {
  const NamedSigningKey center = VectorCenter();
  const MemorySigner signer(center.key, "test");
  const std::string origin = LogOrigin(VectorManifest().election_id);
  auto issued = IssueReceiptKey(NamedSigner{center.name, &signer}, origin, 20792);
  ASSERT_TRUE(issued) << issued.error().ToString();
  EXPECT_EQ(issued->certificate.key.ToString(),
            "test-center/receipts/20792+b9d9fba7+AdVZPLA6dPLokMIVKTrJ5/RZWdXPG8Q04W469V/LFI+x");
  EXPECT_EQ(issued->certificate.not_before_ms, 1796428800000u);
  EXPECT_EQ(issued->certificate.not_after_ms, 1797033599999u);
  const Manifest m = VectorManifest();
  auto verified = VerifyReceiptKeyCertificate(issued->note, m.centers, origin);
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_EQ(*verified, issued->certificate);
}

TEST(ReceiptKeyTest, VectorTextNoteAndReceiptByteForByte) {
  EXPECT_EQ(ReceiptKeyCertificateText(VectorCertificate()), kVectorText);
  const NamedSigningKey center = VectorCenter();
  const MemorySigner signer(center.key, "test");
  auto note = CertifyReceiptKey(VectorCertificate(), NamedSigner{center.name, &signer});
  ASSERT_TRUE(note);
  EXPECT_EQ(*note, std::string(kVectorText) + kVectorSignature);

  Receipt r = Receipt::Sign(VectorManifest().election_id, Sha256(AsBytes(std::string("leaf"))),
                            1796500801234, VectorReceiptKey());
  EXPECT_EQ(HexEncode(r.Encode()), kVectorReceipt);
}

TEST(ReceiptKeyTest, TheChainVerifiesFromTheManifest) {
  const Manifest m = VectorManifest();
  auto receipt = Receipt::Decode(*HexDecode(kVectorReceipt));
  ASSERT_TRUE(receipt);
  ReceiptKeyRing ring(m);
  // Without the certificate the receipt's key is unknown.
  auto unknown = ring.Verify(*receipt);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(ring.AddCertificate(std::string(kVectorText) + kVectorSignature));
  EXPECT_TRUE(ring.Verify(*receipt));
  // The same receipt dated outside the certificate's days does not count.
  Receipt late = *receipt;
  late.received_at_ms = 1797033600000;
  late.signature = VectorReceiptKey().key.Sign(late.SignedMessage());
  EXPECT_EQ(ring.Verify(late).error().code, ErrorCode::kBadSignature);
  // A receipt by the center key itself still verifies (a key file).
  Receipt direct = Receipt::Sign(m.election_id, receipt->leaf_hash, 1, VectorCenter());
  EXPECT_TRUE(ring.Verify(direct));
  // The list form served at /v1/receipt-keys.
  ReceiptKeyRing from_list(m);
  nlohmann::json list = {{"receipt_keys", {std::string(kVectorText) + kVectorSignature}}};
  ASSERT_TRUE(from_list.AddCertificates(list.dump()));
  EXPECT_EQ(from_list.certificates(), 1u);
  EXPECT_TRUE(from_list.Verify(*receipt));
}

TEST(ReceiptKeyTest, CertificatesNotByACenterOrForAnotherLogAreRefused) {
  const Manifest m = VectorManifest();
  const NamedSigningKey rogue = NamedSigningKey::From("test-center", FixedSeed(0x99));
  const MemorySigner rogue_signer(rogue.key, "rogue");
  auto forged = CertifyReceiptKey(VectorCertificate(), NamedSigner{rogue.name, &rogue_signer});
  ASSERT_TRUE(forged);
  ReceiptKeyRing ring(m);
  EXPECT_EQ(ring.AddCertificate(*forged).error().code, ErrorCode::kBadSignature);

  ReceiptKeyCertificate other = VectorCertificate();
  other.origin = "acta/" + std::string(64, '0');
  const NamedSigningKey center = VectorCenter();
  const MemorySigner signer(center.key, "test");
  auto elsewhere = CertifyReceiptKey(other, NamedSigner{center.name, &signer});
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(ring.AddCertificate(*elsewhere).error().code, ErrorCode::kWrongElection);
  EXPECT_EQ(ring.certificates(), 0u);
}

TEST(ReceiptKeyTest, StrictParse) {
  EXPECT_TRUE(ParseReceiptKeyCertificateText(kVectorText));
  const std::string v = kVectorText;
  for (const std::string& bad : {
           std::string("acta/v2/receipt-key\n") + v.substr(v.find('\n') + 1),  // header
           v.substr(0, v.size() - 1),                                          // no final newline
           v + "extra\n",                                                      // five lines
           v.substr(0, v.rfind("1796428800000")) + "01796428800000 1797033599999\n",  // zero
           v.substr(0, v.rfind("1796428800000")) + "1797033599999 1796428800000\n",   // order
           v.substr(0, v.rfind("1796428800000")) + "1796428800000\n",                 // one number
       }) {
    auto parsed = ParseReceiptKeyCertificateText(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kMalformed) << bad;
  }
}

}  // namespace
}  // namespace acta::log
