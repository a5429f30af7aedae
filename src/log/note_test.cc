#include "log/note.h"

#include <gtest/gtest.h>

#include <string>

namespace acta::log {
namespace {

// Known answer from golang.org/x/mod/sumdb/note (the reference
// implementation of signed notes): keys, text and the exact signed note.
constexpr std::string_view kGoSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kGoVerifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kGoSigLine =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

std::string GoNote() { return std::string(kGoText) + "\n" + std::string(kGoSigLine); }

NamedSigningKey GoKey() { return NamedSigningKey::Parse(kGoSigner).value(); }
VerifierKey GoVerifier() { return VerifierKey::Parse(kGoVerifier).value(); }

TEST(NoteTest, GoReferenceSignatureByteForByte) {
  const NamedSigningKey key = GoKey();
  EXPECT_EQ(key.key_id, 0xc74f20a3u);
  EXPECT_EQ(key.verifier().ToString(), kGoVerifier);
  auto note = SignNote(kGoText, key);
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_EQ(*note, GoNote());
}

TEST(NoteTest, GoReferenceNoteParsesAndVerifies) {
  auto note = ParseNote(GoNote());
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_EQ(note->text, kGoText);
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "PeterNeumann");
  EXPECT_EQ(note->signatures[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(note->signatures[0].signature.size(), 64u);
  EXPECT_TRUE(VerifyNote(*note, GoVerifier()).has_value());
  EXPECT_EQ(FormatNote(*note), GoNote());
}

// The example of the signed-note specification (c2sp.org/signed-note).
TEST(NoteTest, SpecExampleVerifies) {
  auto key =
      VerifierKey::Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  auto note = ParseNote(
      "This is an example message.\n\n"
      "\xE2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n");
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_TRUE(VerifyNote(*note, *key).has_value());
}

TEST(NoteTest, UnknownKeysAreIgnored) {
  const std::string other = "\xE2\x80\x94 someone.else/witness AAAAAAB0ZXN0\n";
  // Same name, different key id: not our key either.
  const std::string same_name = "\xE2\x80\x94 PeterNeumann AAAAAAB0ZXN0\n";
  auto note = ParseNote(std::string(kGoText) + "\n" + other + same_name + std::string(kGoSigLine));
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_EQ(note->signatures.size(), 3u);
  EXPECT_TRUE(VerifyNote(*note, GoVerifier()).has_value());

  auto unsigned_by_us = ParseNote(std::string(kGoText) + "\n" + other + same_name);
  ASSERT_TRUE(unsigned_by_us.has_value());
  auto st = VerifyNote(*unsigned_by_us, GoVerifier());
  EXPECT_EQ(st.error().code, ErrorCode::kBadSignature);
  EXPECT_EQ(st.error().message, "note: no signature by key " + std::string(kGoVerifier));
}

TEST(NoteTest, BadSignatureByKnownKeyRejectsTheNote) {
  // Altered text.
  std::string text(kGoText);
  text[0] = 'i';
  auto note = ParseNote(text + "\n" + std::string(kGoSigLine));
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(VerifyNote(*note, GoVerifier()).error().code, ErrorCode::kBadSignature);

  // A second, failing signature by the same key next to the good one.
  auto good = ParseNote(GoNote()).value();
  NoteSignature bad = good.signatures[0];
  bad.signature[10] ^= 1;
  good.signatures.push_back(bad);
  EXPECT_EQ(VerifyNote(good, GoVerifier()).error().code, ErrorCode::kBadSignature);

  // A signature of the wrong length by the known key.
  auto short_sig = ParseNote(GoNote()).value();
  short_sig.signatures[0].signature.pop_back();
  EXPECT_EQ(VerifyNote(short_sig, GoVerifier()).error().code, ErrorCode::kBadSignature);
}

TEST(NoteTest, TextMayContainBlankLines) {
  const std::string text = "first\n\nsecond\n";
  auto signed_note = SignNote(text, GoKey()).value();
  auto note = ParseNote(signed_note);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->text, text);
  EXPECT_TRUE(VerifyNote(*note, GoVerifier()).has_value());
}

TEST(NoteTest, MalformedNotesAreRejected) {
  const std::string text(kGoText);
  const std::string sig(kGoSigLine);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"no separator", text},
      {"no signatures", text + "\n"},
      {"trailing blank line", GoNote() + "\n"},
      {"no final newline", GoNote().substr(0, GoNote().size() - 1)},
      {"hyphens instead of em dash", text + "\n-- PeterNeumann AAAAAAB0ZXN0\n"},
      {"no space after dash", text + "\n\xE2\x80\x94PeterNeumann AAAAAAB0ZXN0\n"},
      {"no signature", text + "\n\xE2\x80\x94 PeterNeumann\n"},
      {"empty signature", text + "\n\xE2\x80\x94 PeterNeumann \n"},
      {"empty key name", text + "\n\xE2\x80\x94  AAAAAAB0ZXN0\n"},
      {"plus in key name", text + "\n\xE2\x80\x94 Peter+Neumann AAAAAAB0ZXN0\n"},
      {"bad base64", text + "\n\xE2\x80\x94 PeterNeumann AAAA*AB0ZXN0\n"},
      {"non-canonical base64 padding", text + "\n\xE2\x80\x94 PeterNeumann AAAAAAB0ZXR=\n"},
      {"too short", text + "\n\xE2\x80\x94 PeterNeumann AQID\n"},
      {"junk line", text + "\njunk\n" + sig},
      {"carriage return", "a\r\n\n" + sig},
      {"tab", "a\tb\n\n" + sig},
      {"invalid utf-8", "a\xff\n\n" + sig},
      {"overlong utf-8", "a\xC0\xAF\n\n" + sig},
      {"surrogate", "a\xED\xA0\x80\n\n" + sig},
      {"truncated utf-8", "a\xE2\x80\n\n" + sig},
  };
  for (const auto& [what, note] : cases) {
    auto parsed = ParseNote(note);
    ASSERT_FALSE(parsed.has_value()) << what;
    EXPECT_EQ(parsed.error().code, ErrorCode::kMalformed) << what;
  }
}

TEST(NoteTest, SignatureAndSizeLimits) {
  std::string many = std::string(kGoText) + "\n";
  for (size_t i = 0; i < kMaxNoteSignatures; ++i) many += kGoSigLine;
  EXPECT_TRUE(ParseNote(many).has_value());
  many += kGoSigLine;
  EXPECT_EQ(ParseNote(many).error().code, ErrorCode::kMalformed);

  std::string big(kMaxNoteSize, 'a');
  big[big.size() - 1] = '\n';
  EXPECT_EQ(ParseNote(big + "\n" + std::string(kGoSigLine)).error().code, ErrorCode::kMalformed);
}

TEST(NoteTest, SignRejectsInvalidText) {
  EXPECT_EQ(SignNote("", GoKey()).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(SignNote("no newline", GoKey()).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(SignNote("bell\a\n", GoKey()).error().code, ErrorCode::kMalformed);
}

}  // namespace
}  // namespace acta::log
