// A center whose manifest lists three witnesses (quorum 2), each a real
// `acta witness` service on loopback: the center submits its checkpoints in
// the background and serves them cosigned; the verifier reports who signed
// and, with require_witnesses, fails below quorum; a witness restarted on
// its state file carries on from the size it had cosigned; a mirror
// republishes the cosigned note byte for byte and a verifier reading the
// mirror checks the same quorum.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
#include "mirror/layout.h"
#include "mirror/mirror.h"
#include "tests/mirror/nginx_mirror.h"
#include "tests/witness/witness_fixture.h"
#include "verify/fetch.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

namespace fs = std::filesystem;

using WitnessE2eTest = WitnessCenterFixture;

TEST_F(WitnessE2eTest, CheckpointsAreServedCosignedAndVerified) {
  SubmitTables(0, 6);
  ASSERT_EQ(WaitForCosigners(3), 3u);
  const std::string note(Get("/checkpoint").BodyText());
  auto checked = log::VerifyCheckpointForManifest(note, *manifest_);
  ASSERT_TRUE(checked) << checked.error().ToString() << "\n" << note;
  EXPECT_EQ(checked->checkpoint.size, 6u);
  EXPECT_EQ(checked->witnesses.size(), 3u);
  EXPECT_TRUE(checked->quorum);
  // A reader that knows only the center key still accepts it.
  EXPECT_TRUE(log::ParseAndVerifyCheckpoint(note, manifest_->centers[0],
                                            log::LogOrigin(manifest_->election_id)));

  const std::string metrics = center_->RenderMetrics();
  EXPECT_NE(metrics.find("acta_witness_cosigned_size{witness=\"" + manifest_->witnesses[0].name +
                         "\"} 6"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("acta_witness_failures_total{witness=\"" + manifest_->witnesses[2].name +
                         "\"} 0"),
            std::string::npos)
      << metrics;
  const std::string w(Get("/v1/witnesses").BodyText());
  EXPECT_NE(w.find("\"quorum_met\":true"), std::string::npos) << w;
  EXPECT_NE(w.find("\"size\":6"), std::string::npos) << w;

  verify::Report r = Verify(true);
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_EQ(r.latest_size, 6u);
  EXPECT_EQ(r.latest_witnesses.size(), 3u);
  EXPECT_TRUE(r.latest_quorum);
  ASSERT_FALSE(r.cosigned.empty());
  EXPECT_EQ(r.cosigned.back().size, 6u);
  EXPECT_NE(verify::FormatReport(r).find("2 of 3 required; latest cosigned by"), std::string::npos)
      << verify::FormatReport(r);
}

TEST_F(WitnessE2eTest, BelowQuorumFailsOnlyWhenRequiredAndARestartedWitnessResumes) {
  SubmitTables(0, 3);
  ASSERT_EQ(WaitForCosigners(3), 3u);
  // Two witnesses go down; the log moves on.
  witnesses_[1]->Stop();
  witnesses_[2]->Stop();
  witnesses_[1].reset();
  witnesses_[2].reset();
  SubmitTables(3, 8);
  EXPECT_EQ(WaitForCosigners(1), 1u);
  // The newest checkpoint with the quorum is size 3: pinned there, the log
  // up to 3 verifies, and the later ones are proven to extend it.
  verify::Report pinned = Verify(true);
  EXPECT_TRUE(pinned.ok()) << verify::FormatReport(pinned);
  EXPECT_EQ(pinned.latest_size, 3u);
  EXPECT_GE(pinned.later_consistent, 1u);

  // Without any checkpoint at quorum (another log of this election, the
  // same witnesses down), require_witnesses fails and says who is missing.
  // Here: a dump of the latest only, as `acta verify --size 8` would pin.
  {
    verify::MemoryFiles files;
    verify::FetchOptions fo;
    fo.pin_size = 8;
    ASSERT_TRUE(verify::FetchCenter(*public_, files, fo));
    verify::VerifyOptions vo;
    vo.threads = 1;
    vo.require_witnesses = true;
    verify::Report r = verify::VerifyFiles(files, vo);
    EXPECT_FALSE(r.ok());
    ASSERT_TRUE(r.Has(verify::ProblemKind::kWitnessQuorum)) << verify::FormatReport(r);
    const std::string text = verify::FormatReport(r);
    EXPECT_NE(text.find("not cosigned by " + manifest_->witnesses[1].name + ", " +
                        manifest_->witnesses[2].name),
              std::string::npos)
        << text;
    vo.require_witnesses = false;
    EXPECT_TRUE(verify::VerifyFiles(files, vo).ok());
  }

  // Witness 2 comes back on its state file and port. It still holds size 3:
  // the center's next request (old 3, a proof from 3 to 8) is cosigned at
  // once; a witness that had lost its state would answer 409 "0" first.
  witness::WitnessServiceOptions wo;
  wo.state_path = (dir_ / "witness-2.db").string();
  wo.logs = {witness::FollowManifest(*manifest_)};
  wo.listen = {"127.0.0.1:" + urls_[manifest_->witnesses[1].name].substr(17)};
  auto back = witness::WitnessService::Start(synth_->election.witnesses[1], std::move(wo), clock_);
  ASSERT_TRUE(back) << back.error().ToString();
  witnesses_[1] = std::move(*back);
  EXPECT_EQ(WaitForCosigners(2), 2u);
  verify::Report r = Verify(true);
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_EQ(r.latest_size, 8u);
  EXPECT_EQ(witnesses_[1]->witness().counters().conflicts, 0u);
  EXPECT_EQ(witnesses_[1]->witness().counters().cosigned, 1u);
}

// Cosignatures are in the store: a center restarted while every witness is
// down serves the same cosigned notes it served before, and the quorum.
TEST_F(WitnessE2eTest, ARestartedCenterServesTheCosignaturesItStored) {
  SubmitTables(0, 4);
  ASSERT_EQ(WaitForCosigners(3), 3u);
  const std::string latest(Get("/checkpoint").BodyText());
  const std::string listed(Get("/v1/checkpoints").BodyText());
  witnesses_.clear();  // all three down from here on
  StopCenter();
  StartCenter();
  EXPECT_EQ(Get("/checkpoint").BodyText(), latest);
  EXPECT_EQ(Get("/v1/checkpoints").BodyText(), listed);
  auto checked = log::VerifyCheckpointForManifest(latest, *manifest_);
  ASSERT_TRUE(checked) << checked.error().ToString();
  EXPECT_EQ(checked->witnesses.size(), 3u);
  EXPECT_EQ(center_->cosignatures()->CosignersOf(4).size(), 3u);
  EXPECT_NE(center_->RenderMetrics().find("acta_witness_quorum_size 4\n"), std::string::npos)
      << center_->RenderMetrics();
  verify::Report r = Verify(true);
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_EQ(r.latest_size, 4u);
}

TEST_F(WitnessE2eTest, AMirrorRepublishesTheCosignedNoteAndReadersCheckTheSameQuorum) {
  SubmitTables(0, 10);
  ASSERT_EQ(WaitForCosigners(3), 3u);
  const std::string out = (dir_ / "mirror").string();
  mirror::MirrorOptions mo;
  mo.out_dir = out;
  mo.source_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
  auto m = mirror::Mirror::Open(
      mo,
      [url = mo.source_url]() {
        http::HttpClientOptions o;
        o.base_url = url;
        return http::HttpClient::Create(o);
      },
      clock_);
  ASSERT_TRUE(m) << m.error().ToString();
  auto synced = (*m)->Sync();
  ASSERT_TRUE(synced) << synced.error().ToString();
  const std::string served(Get("/checkpoint").BodyText());
  auto copy = ReadTextFile(out + "/" + mirror::kCheckpoint);
  ASSERT_TRUE(copy);
  EXPECT_EQ(*copy, served);  // byte for byte, cosignature lines included

  fs::create_directories(dir_ / "nginx" / "tmp");
  NginxMirror nginx(out, (dir_ / "nginx").string());
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  http::HttpClientOptions co;
  co.base_url = nginx.url();
  auto client = http::HttpClient::Create(co);
  ASSERT_TRUE(client);
  verify::Report r = Verify(**client, true);
  EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
  EXPECT_EQ(r.latest_size, 10u);
  EXPECT_EQ(r.latest_witnesses.size(), 3u);

  // A mirror that drops the cosignatures (keeping the center's lines, which
  // still verify) no longer passes a reader who requires the quorum.
  auto bare = [](const std::string& text) {
    auto note = log::ParseNote(text);
    EXPECT_TRUE(note);
    note->signatures.resize(1);
    return log::FormatNote(*note);
  };
  const std::string stripped_note = bare(served);
  ASSERT_TRUE(WriteFileAtomic(out + "/" + mirror::kCheckpoint, stripped_note));
  auto list = nlohmann::json::parse(File(out, mirror::kCheckpoints));
  for (auto& c : list) c["note"] = bare(c["note"].get<std::string>());
  const std::string stripped_list = list.dump() + "\n";
  ASSERT_TRUE(WriteFileAtomic(out + "/" + mirror::kCheckpoints, stripped_list));
  // The tampering mirror drops its precompressed copies too (gzip_static
  // would send them to readers that accept gzip).
  fs::remove(out + "/" + mirror::kCheckpoint + ".gz");
  fs::remove(out + "/" + mirror::kCheckpoints + ".gz");
  // nginx's open_file_cache serves a renamed-over file's previous version
  // for up to 1 s: without this wait the reader got the cosigned copies.
  ASSERT_TRUE(nginx.WaitUntilServed("/" + std::string(mirror::kCheckpoint), stripped_note));
  ASSERT_TRUE(nginx.WaitUntilServed("/" + std::string(mirror::kCheckpoints), stripped_list));
  verify::Report stripped = Verify(**client, true);
  EXPECT_FALSE(stripped.ok());
  EXPECT_TRUE(stripped.Has(verify::ProblemKind::kWitnessQuorum)) << verify::FormatReport(stripped);
}

}  // namespace
}  // namespace acta::testing
