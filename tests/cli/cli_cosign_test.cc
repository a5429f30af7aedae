// The key ceremony through the binary (docs/OPERATIONS.md): `acta election
// cosign` shows the fingerprint and signs only when it is repeated; a
// reader pinned to 3 of 5 signers (`acta inspect --trust`) refuses the
// manifest with 2 valid signatures, naming them, and accepts it with 3.
#include <filesystem>
#include <fstream>

#include "log/manifest_signatures.h"
#include "tests/cli/cli_fixture.h"

namespace acta::testing {
namespace {

namespace fs = std::filesystem;

TEST_F(CliTest, KeyCeremonyThreeOfFive) {
  const std::string dir = work_ + "/election";
  fs::copy(election_a_, dir, fs::copy_options::recursive);
  const std::string fingerprint = log::ManifestFingerprint(*manifest_a_);

  // Four parties make keys; with the authority, five signers.
  std::vector<std::string> keys = {dir + "/secrets/authority.key"};
  std::string trust = "quorum 3\nsigner " + manifest_a_->authority.ToString() + "\n";
  for (int i = 1; i <= 4; ++i) {
    const std::string key = work_ + "/party-" + std::to_string(i) + ".key";
    RunResult made = Acta({"keygen", "--name", "party-" + std::to_string(i), "--out", key});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    trust += "signer " + made.out;  // the vkey and its newline
    keys.push_back(key);
  }
  const std::string trust_file = work_ + "/trust.txt";
  std::ofstream(trust_file) << trust;

  // Without --fingerprint: shows it, signs nothing.
  RunResult look = Acta({"election", "cosign", "--election", dir, "--key", keys[0]});
  EXPECT_EQ(look.exit_code, 2);
  EXPECT_NE(look.out.find("fingerprint  " + fingerprint), std::string::npos) << look.out;
  // A fingerprint read aloud that is not this manifest's: refused.
  RunResult wrong = Acta({"election", "cosign", "--election", dir, "--key", keys[0],
                          "--fingerprint", "0000-0000-0000-0000-0000-0000-0000-0000"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("do not sign"), std::string::npos) << wrong.err;

  const std::string acta_path = SignActa(dir, *manifest_a_, manifest_a_->tables[0].id, "a");
  auto inspect = [&] {
    return Acta({"inspect", acta_path, "--election", dir, "--trust", trust_file});
  };
  for (size_t i = 0; i < 2; ++i) {
    RunResult s = Acta(
        {"election", "cosign", "--election", dir, "--key", keys[i], "--fingerprint", fingerprint});
    ASSERT_EQ(s.exit_code, 0) << s.err;
  }
  RunResult two = inspect();
  EXPECT_NE(two.exit_code, 0);
  EXPECT_NE(two.err.find("2 valid signature(s) by trusted signers, 3 of 5 required; found: " +
                         manifest_a_->authority.name + "+"),
            std::string::npos)
      << two.err;
  EXPECT_NE(two.err.find("party-1+"), std::string::npos) << two.err;

  RunResult third = Acta(
      {"election", "cosign", "--election", dir, "--key", keys[2], "--fingerprint", fingerprint});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.out.find("manifest.sig now holds 3 signature(s)"), std::string::npos)
      << third.out;
  RunResult three = inspect();
  EXPECT_EQ(three.exit_code, 0) << three.err;

  // A reader without a trust file pins the authority alone: it signed.
  RunResult plain = Acta({"inspect", acta_path, "--election", dir});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
}

}  // namespace
}  // namespace acta::testing
