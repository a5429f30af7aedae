// A witness whose cosigning key is in a PKCS#11 token (SoftHSM2, issue #23):
// its cosignatures are byte for byte those of the same key in a file, and
// `acta witness`'s start-up errors come from token::TokenKey::Open
// (wrong PIN, missing token, missing key), each naming the URI.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/testing/manifest_fixtures.h"
#include "log/note.h"
#include "token/soft_token.h"
#include "token/token_key.h"
#include "witness/testing/test_log.h"
#include "witness/witness.h"

namespace acta::witness {
namespace {

using acta::testing::FixedSeed;

constexpr std::string_view kOrigin = "acta/witness-token-test";

TEST(WitnessTokenTest, CosignsLikeTheKeyFileAndFailsPrecisely) {
  auto soft = token::SoftToken::Create("acta-witness-test", "8642");
  ASSERT_TRUE(soft) << soft.error().ToString() << " (scripts/install-deps.sh installs softhsm2)";
  const Seed seed = FixedSeed(0x61);
  ASSERT_TRUE((*soft)->ImportSeed("witness", seed));
  const auto dir =
      std::filesystem::temp_directory_path() / ("acta-witness-token-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto in_token = token::TokenKey::Open((*soft)->Uri("witness"), (*soft)->pin_file());
    ASSERT_TRUE(in_token) << in_token.error().ToString();
    FakeClock clock{1'800'000'000'123};
    testing::TestLog log{std::string(kOrigin)};
    const std::vector<FollowedLog> logs{{std::string(kOrigin), {log.key.verifier()}}};
    auto file_state = WitnessState::Open((dir / "file.db").string()).value();
    auto token_state = WitnessState::Open((dir / "token.db").string()).value();
    Witness from_file(NamedCosignerKey::From("witness.test/w", seed), logs, *file_state, clock);
    Witness from_token("witness.test/w", std::shared_ptr<const Signer>(std::move(*in_token)), logs,
                       *token_state, clock);
    EXPECT_EQ(from_token.verifier().ToString(), from_file.verifier().ToString());
    for (auto [from, to] : {std::pair<uint64_t, uint64_t>{0, 5}, {5, 9}}) {
      const WitnessAnswer a = from_file.AddCheckpoint(log.Body(from, to));
      const WitnessAnswer b = from_token.AddCheckpoint(log.Body(from, to));
      ASSERT_EQ(a.status, 200) << a.body;
      ASSERT_EQ(b.status, 200) << b.body;
      EXPECT_EQ(a.body, b.body);  // the same cosignature line, byte for byte
    }
  }

  // The errors `acta witness --key pkcs11:...` stops with, checked with no
  // session of this process logged in (PKCS#11 logins are per process: a
  // second Open while one is logged in cannot check its PIN).
  auto wrong_pin = token::TokenKey::Open((*soft)->Uri("witness"), (*soft)->PinFile("0000"));
  ASSERT_FALSE(wrong_pin);
  EXPECT_EQ(wrong_pin.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(wrong_pin.error().message.find("acta-witness-test"), std::string::npos);
  auto no_key = token::TokenKey::Open((*soft)->Uri("nope"), (*soft)->pin_file());
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code, ErrorCode::kNotFound);
  auto no_token = token::TokenKey::Open(
      "pkcs11:token=no-such-token;object=witness?module-path=" + token::SoftHsmModule(),
      (*soft)->pin_file());
  ASSERT_FALSE(no_token);
  EXPECT_EQ(no_token.error().code, ErrorCode::kUnavailable);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace acta::witness
