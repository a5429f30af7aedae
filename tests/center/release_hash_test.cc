// The center and the manifest's release hashes (docs/SECURITY.md,
// "Reproducible build"): it serves its own executable's SHA-256 on /version
// and as acta_build_info, starts when the manifest pins that hash, and
// refuses to start, naming both, when the manifest pins only others. The
// executable here is this test binary; the test hashes it independently.
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/file.h"
#include "tests/center/center_fixture.h"

namespace acta::testing {
namespace {

using nlohmann::json;

class ReleaseHashTest : public CenterFixture {
 protected:
  static std::string OwnHash() {
    auto exe = ReadFile("/proc/self/exe");
    EXPECT_TRUE(exe);
    return exe ? HexEncode(Sha256(*exe)) : "";
  }

  // The fixture's election again, with `hashes` pinned, in its own
  // directory; the options of a center on it with a fresh store.
  center::CenterOptions Pinned(const std::vector<std::string>& hashes, const std::string& name) {
    sim::SynthResult pinned = *synth_;
    EXPECT_TRUE(AddReleaseHashes(pinned.election.manifest, hashes));
    const std::string dir = (dir_ / name).string();
    EXPECT_TRUE(sim::WriteElectionDir(dir, pinned));
    center::CenterOptions o = Options();
    o.election_dir = dir;
    o.key_file = dir + "/secrets/center.key";
    o.db_url = "sqlite:" + (dir_ / (name + ".db")).string();
    return o;
  }
};

// SHA-256("a"), SHA-256("b"): builds that are not this one.
const std::string kOtherA = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
const std::string kOtherB = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";

TEST_F(ReleaseHashTest, ServesItsOwnHash) {
  const std::string own = OwnHash();
  EXPECT_EQ(HexEncode(center_->build().sha256), own);
  auto r = Get("/version");
  ASSERT_EQ(r.status, 200) << r.BodyText();
  EXPECT_EQ(r.Header("content-type"), "application/json");
  json j = json::parse(r.BodyText());
  EXPECT_EQ(j["sha256"], own);
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["release_pinned"], false);
  EXPECT_EQ(j["executable"], std::filesystem::read_symlink("/proc/self/exe").string());
  auto metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.BodyText().find("\nacta_build_info{version=\"0.1.0\",sha256=\"" + own + "\"} 1\n"),
      std::string::npos);
}

TEST_F(ReleaseHashTest, StartsWhenTheManifestPinsItsHash) {
  const std::string own = OwnHash();
  auto c = center::Center::Start(Pinned({kOtherA, own}, "pinned"), clock_);
  ASSERT_TRUE(c) << c.error().ToString();
  http::HttpClientOptions client_options;
  client_options.base_url = "http://127.0.0.1:" + std::to_string((*c)->public_port());
  auto client = http::HttpClient::Create(client_options);
  ASSERT_TRUE(client);
  auto r = (*client)->Get("/version");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json j = json::parse(r->BodyText());
  EXPECT_EQ(j["sha256"], own);
  EXPECT_EQ(j["release_pinned"], true);
  (*c)->Stop();
}

TEST_F(ReleaseHashTest, RefusesToStartWhenItsHashIsNotPinned) {
  const center::CenterOptions o = Pinned({kOtherA, kOtherB}, "other");
  auto c = center::Center::Start(o, clock_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(c.error().message,
            "this acta executable (" + std::filesystem::read_symlink("/proc/self/exe").string() +
                ") has SHA-256 " + OwnHash() +
                ", which the manifest's release_hashes do not list (" + kOtherA + ", " + kOtherB +
                "): install the release build the manifest names");
  // Refused before the store was opened.
  EXPECT_FALSE(std::filesystem::exists(o.db_url.substr(7)));
}

}  // namespace
}  // namespace acta::testing
