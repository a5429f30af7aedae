// The manifest's release hashes with the real binary: `acta election synth
// --release-hash` pins them (a malformed one is named), and `acta center`
// refuses to start on a manifest that pins only other builds, naming its own
// hash and the pinned ones (docs/SECURITY.md, "Reproducible build").
#include <filesystem>

#include "core/crypto.h"
#include "core/file.h"
#include "tests/cli/cli_fixture.h"

namespace acta::testing {
namespace {

class CliReleaseTest : public CliTest {};

const std::string kOther = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";

TEST_F(CliReleaseTest, SynthPinsHashesAndNamesAMalformedOne) {
  RunResult r = Acta({"election", "synth", "--tables", "10", "--out", work_ + "/bad",
                      "--release-hash", kOther, "--release-hash", kOther.substr(0, 63) + "G"});
  EXPECT_EQ(r.exit_code, 1);
  OneErrorLine(r, "acta election synth: malformed: release hash \"" + kOther.substr(0, 63) +
                      "G\": must be 64 lowercase hex digits (a SHA-256); character 64 is 'G'");

  r = Acta(
      {"election", "synth", "--tables", "10", "--out", work_ + "/good", "--release-hash", kOther});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("release hash       " + kOther), std::string::npos) << r.out;
  auto m = LoadManifest(work_ + "/good");
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->release_hashes.size(), 1u);
  EXPECT_EQ(HexEncode(m->release_hashes[0]), kOther);
}

TEST_F(CliReleaseTest, CenterRefusesABuildTheManifestDoesNotPin) {
  auto binary = ReadFile(ACTA_BINARY);
  ASSERT_TRUE(binary);
  const std::string own = HexEncode(Sha256(*binary));
  const std::string dir = work_ + "/election";
  ASSERT_EQ(Acta({"election", "synth", "--tables", "10", "--out", dir, "--release-hash", kOther})
                .exit_code,
            0);
  RunResult r = Acta({"center", "--election", dir, "--key", dir + "/secrets/center.key", "--db",
                      "sqlite:" + work_ + "/center.db", "--ingest-listen", "127.0.0.1:0",
                      "--public-listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  // The last line says why (a warning about the dashboard may come first).
  const std::vector<std::string> lines = r.ErrLines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "acta center: permission_denied: this acta executable (" +
                              std::filesystem::canonical(ACTA_BINARY).string() + ") has SHA-256 " +
                              own + ", which the manifest's release_hashes do not list (" + kOther +
                              "): install the release build the manifest names");
}

}  // namespace
}  // namespace acta::testing
