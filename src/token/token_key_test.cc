#include "token/token_key.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/signer.h"
#include "token/soft_token.h"

namespace acta::token {
namespace {

constexpr char kLabel[] = "acta-test";
constexpr char kPin[] = "4321";

class TokenKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = SoftToken::Create(kLabel, kPin);
    if (!t && t.error().code == ErrorCode::kUnavailable) GTEST_SKIP() << t.error().message;
    ASSERT_TRUE(t) << t.error().ToString();
    token_ = std::move(*t);
  }

  std::unique_ptr<SoftToken> token_;
};

TEST_F(TokenKeyTest, GeneratedKeySignsWhatItsPublicKeyVerifies) {
  auto key = TokenKey::Generate(token_->Uri("center-key"), token_->pin_file());
  ASSERT_TRUE(key) << key.error().ToString();
  const std::string message = "acta/v1/test\n";
  auto sig = (*key)->Sign(AsBytes(message));
  ASSERT_TRUE(sig) << sig.error().ToString();
  EXPECT_TRUE(VerifySignature((*key)->public_key(), AsBytes(message), *sig));
  EXPECT_FALSE(VerifySignature((*key)->public_key(), AsBytes(std::string("other\n")), *sig));
  // Opened again (a restarted center), it is the same key.
  auto again = TokenKey::Open(token_->Uri("center-key"), token_->pin_file());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ((*again)->public_key(), (*key)->public_key());
}

// The same seed in a token and in memory: the same signature bytes (pure
// Ed25519 is deterministic), so no verifier can tell them apart.
TEST_F(TokenKeyTest, TokenSignaturesAreByteForByteThoseOfTheKeyInMemory) {
  Seed seed;
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i * 7 + 1);
  ASSERT_TRUE(token_->ImportSeed("imported", seed));
  auto key = TokenKey::Open(token_->Uri("imported"), token_->pin_file());
  ASSERT_TRUE(key) << key.error().ToString();
  const SigningKey memory = SigningKey::FromSeed(seed);
  EXPECT_EQ((*key)->public_key(), memory.public_key());
  const std::vector<std::string> messages = {"", "acta/v1/checkpoint text\n42\n",
                                             std::string(5000, 'x')};
  for (const std::string& message : messages) {
    auto sig = (*key)->Sign(AsBytes(message));
    ASSERT_TRUE(sig) << sig.error().ToString();
    EXPECT_EQ(*sig, memory.Sign(AsBytes(message)));
  }
  const MemorySigner in_memory(memory, "test");
  EXPECT_EQ(in_memory.Sign(AsBytes(std::string("m"))).value(),
            (*key)->Sign(AsBytes(std::string("m"))).value());
}

TEST_F(TokenKeyTest, WrongPinIsRefusedAtOpenNamingTheToken) {
  ASSERT_TRUE(TokenKey::Generate(token_->Uri("k"), token_->pin_file()));
  auto key = TokenKey::Open(token_->Uri("k"), token_->PinFile("9999"));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(key.error().message.find("token 'acta-test' refused the PIN (CKR_PIN_INCORRECT)"),
            std::string::npos)
      << key.error().message;
}

TEST_F(TokenKeyTest, MissingTokenIsAnErrorListingTheTokensPresent) {
  const std::string uri = "pkcs11:token=no-such-token;object=k?module-path=" + SoftHsmModule();
  auto key = TokenKey::Open(uri, token_->pin_file());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(key.error().message.find("no token matches (tokens present: 'acta-test')"),
            std::string::npos)
      << key.error().message;
}

TEST_F(TokenKeyTest, MissingKeyAndUnloadableModuleArePreciseErrors) {
  auto no_key = TokenKey::Open(token_->Uri("absent"), token_->pin_file());
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code, ErrorCode::kNotFound);
  EXPECT_NE(no_key.error().message.find("has no Ed25519 private key"), std::string::npos);

  auto no_module = TokenKey::Open(
      "pkcs11:token=acta-test;object=k?module-path=/nonexistent/module.so", token_->pin_file());
  ASSERT_FALSE(no_module);
  EXPECT_EQ(no_module.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(no_module.error().message.find("cannot load the PKCS#11 module /nonexistent/module.so"),
            std::string::npos)
      << no_module.error().message;
}

TEST_F(TokenKeyTest, PinComesFromAFileNeverFromTheUri) {
  auto missing = TokenKey::Open(token_->Uri("k"), "/nonexistent/pin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  auto in_uri = TokenKey::Open("pkcs11:token=acta-test;object=k?pin-value=4321", "");
  ASSERT_FALSE(in_uri);
  EXPECT_EQ(in_uri.error().code, ErrorCode::kInvalidArgument);
  auto none = TokenKey::Open(token_->Uri("k"), "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  // pin-source=file:... (RFC 7512) works without --pin-file.
  ASSERT_TRUE(TokenKey::Generate(token_->Uri("k"), token_->pin_file()));
  auto from_source =
      TokenKey::Open(token_->Uri("k") + "&pin-source=file:" + token_->pin_file(), "");
  EXPECT_TRUE(from_source) << from_source.error().ToString();
}

TEST_F(TokenKeyTest, NotAUriAndASecondKeyWithTheSameLabelAreRefused) {
  auto not_uri = TokenKey::Open("/etc/acta/center.key", token_->pin_file());
  ASSERT_FALSE(not_uri);
  EXPECT_EQ(not_uri.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(TokenKey::Generate(token_->Uri("twice"), token_->pin_file()));
  auto second = TokenKey::Generate(token_->Uri("twice"), token_->pin_file());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
}

// Without module-path, the modules p11-kit is configured with (Debian's
// softhsm2 registers one), narrowed by module-name.
TEST_F(TokenKeyTest, FindsTheTokenThroughP11KitsConfiguredModules) {
  ASSERT_TRUE(TokenKey::Generate(token_->Uri("k"), token_->pin_file()));
  auto key =
      TokenKey::Open("pkcs11:token=acta-test;object=k?module-name=softhsm2", token_->pin_file());
  ASSERT_TRUE(key) << key.error().ToString();
}

// A token pulled out while its key is open: signing fails with an error
// that names the token (the center then keeps its checkpoints waiting),
// and works again once the token is back, without reopening the key.
TEST_F(TokenKeyTest, UnpluggedTokenFailsPreciselyAndWorksAgainWhenPluggedBackIn) {
  auto key = TokenKey::Generate(token_->Uri("center-key"), token_->pin_file());
  ASSERT_TRUE(key) << key.error().ToString();
  const std::string message = "acta/v1/test\n";
  ASSERT_TRUE((*key)->Sign(AsBytes(message)));
  ASSERT_TRUE(token_->Unplug());
  auto gone = (*key)->Sign(AsBytes(message));
  ASSERT_FALSE(gone) << "signed with the token unplugged";
  EXPECT_NE(gone.error().message.find(kLabel), std::string::npos) << gone.error().ToString();
  ASSERT_TRUE(token_->PlugBackIn());
  auto back = (*key)->Sign(AsBytes(message));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_TRUE(VerifySignature((*key)->public_key(), AsBytes(message), *back));
}

}  // namespace
}  // namespace acta::token
