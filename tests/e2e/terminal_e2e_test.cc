// The `acta` binary as a terminal and as an observer against a real center:
// killed with SIGKILL in the middle of a send and restarted, it resends the
// same bytes and ends with the center's original receipt; an observer submits
// a photo of the printed sheet through the public lane.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "center/center.h"
#include "core/file.h"
#include "core/testing/manifest_fixtures.h"
#include "photo/testing/degrade.h"
#include "sim/shaping_proxy.h"
#include "sim/synth.h"
#include "terminal/http_client.h"
#include "terminal/qr.h"

extern char** environ;

namespace acta {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// Starts `acta args...` with stdout/stderr to files in `dir`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& dir, const std::string& tag) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = dir + "/" + tag + ".out", err = dir + "/" + tag + ".err";
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> all = {ACTA_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, ACTA_BINARY, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 4000; ++i) {  // 40 s: a bug fails the test instead of hanging it
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return done();
}

class TerminalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = acta::testing::TestDir();
    election_ = dir_ + "/election";
    sim::SynthOptions so;
    so.tables = 20;
    so.seed = 3;
    auto synth = sim::SynthesizeElection(so);
    ASSERT_TRUE(synth.has_value());
    ASSERT_TRUE(sim::WriteElectionDir(election_, *synth).has_value());
    manifest_ = synth->election.manifest;
    ActaBody body = Truth(manifest_, synth->election.truth).BodyFor(4);
    body.closing_time = manifest_.polls_close_not_before + 600;
    auto acta = SignActa(body, TableKeys(synth->election.table_seeds).key(4));
    ASSERT_TRUE(acta.has_value());
    acta_ = *acta;
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/acta.bin", acta_.bytes).has_value());

    center::CenterOptions co;
    co.election_dir = election_;
    co.db_url = "sqlite:" + dir_ + "/center.db";
    co.key_file = election_ + "/secrets/center.key";
    auto c = center::Center::Start(co, clock_);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    center_ = std::move(*c);
  }
  std::string CenterUrl() const {
    return "http://127.0.0.1:" + std::to_string(center_->ingest_port());
  }

  SystemClock clock_;
  std::string dir_, election_;
  Manifest manifest_;
  Acta acta_;
  std::unique_ptr<center::Center> center_;
};

TEST_F(TerminalE2eTest, KilledMidSendResumesWithTheSameBytesAndReceipt) {
  // A link whose downlink is so slow that the receipt can never arrive:
  // the center accepts the acta, the terminal is still waiting for the
  // answer when it is killed.
  sim::LinkProfile stuck = *sim::ProfileByName("metro");
  stuck.down_bps = 1;
  sim::ProxyOptions po;
  po.access_points = {sim::AccessPoint{stuck, 0}};
  po.upstream_port = center_->ingest_port();
  auto proxy = sim::ShapingProxy::Start(po);
  ASSERT_TRUE(proxy.has_value());
  const std::string queue = dir_ + "/queue";
  const std::string via_proxy = "http://127.0.0.1:" + std::to_string((*proxy)->port(0));
  const std::vector<std::string> common = {"terminal",   "send",
                                           "--election", election_,
                                           "--table",    std::to_string(acta_.body.table_id),
                                           "--acta",     dir_ + "/acta.bin",
                                           "--queue",    queue,
                                           "--no-qr"};
  auto args = common;
  args.insert(args.end(), {"--center", via_proxy});
  const pid_t first = Spawn(args, dir_, "first");
  ASSERT_TRUE(
      WaitUntil([&] { return center_->ingest().count(center::IngestStatus::kAccepted) == 1; }));
  kill(first, SIGKILL);
  EXPECT_EQ(Wait(first), 128 + SIGKILL);
  // Killed mid-send: queued, no receipt.
  EXPECT_EQ(*ReadFile(queue + "/t" + std::to_string(acta_.body.table_id) + "-c0.acta"),
            acta_.bytes);
  EXPECT_FALSE(fs::exists(queue + "/t" + std::to_string(acta_.body.table_id) + "-c0.receipt"));

  // Restarted with a dead center first and the real one as backup: it fails
  // over and gets the receipt of the acta the center already holds.
  args = common;
  args.insert(args.end(), {"--center", "http://127.0.0.1:1", "--center", CenterUrl(),
                           "--backoff-base", "0.05"});
  const pid_t second = Spawn(args, dir_, "second");
  ASSERT_EQ(Wait(second), 0) << ReadTextFile(dir_ + "/second.err").value_or("");
  EXPECT_EQ(center_->ingest().count(center::IngestStatus::kAccepted), 1u);
  EXPECT_EQ(center_->ingest().count(center::IngestStatus::kReplay), 1u);
  auto receipt_bytes = ReadFile(queue + "/t" + std::to_string(acta_.body.table_id) + "-c0.receipt");
  ASSERT_TRUE(receipt_bytes.has_value());
  auto receipt = Receipt::Decode(*receipt_bytes);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_EQ(receipt->leaf_hash, acta_.LeafHash());
  EXPECT_TRUE(receipt->Verify(*manifest_.FindCenter(receipt->center_key_id)));
  const std::string out = *ReadTextFile(dir_ + "/second.out");
  EXPECT_NE(out.find("delivered t" + std::to_string(acta_.body.table_id) + "-c0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("(HTTP 200)"), std::string::npos) << "a replay: " << out;

  // A third run sends nothing and reports the stored receipt.
  const pid_t third = Spawn(args, dir_, "third");
  ASSERT_EQ(Wait(third), 0);
  EXPECT_EQ(center_->ingest().count(center::IngestStatus::kReplay), 1u);
  EXPECT_NE(ReadTextFile(dir_ + "/third.out")->find("already delivered"), std::string::npos);
}

TEST_F(TerminalE2eTest, AnObserverSubmitsAPhotoThroughThePublicLane) {
  auto code = qr::Encode(ActaToText(acta_));
  ASSERT_TRUE(code.has_value());
  // A phone photo: the code on a page, 12 megapixels, turned, a little out
  // of focus and noisy, stored sideways with EXIF orientation 6 as phones
  // do, saved as JPEG (the file a phone hands over; it used to be read as a
  // binary acta and refused as "acta too long").
  photo::testing::Shot shot;
  shot.fill = 0.3;
  shot.degrees = 7;
  shot.blur_sigma = 1.2;
  shot.noise = 12;
  shot.contrast = 0.7;
  const qr::GrayImage upright = photo::testing::TakePhoto(qr::Render(*code, 6, 4), shot);
  auto jpeg = photo::testing::EncodeJpeg(photo::testing::StoreAs(upright, 6), 85, 6);
  ASSERT_TRUE(jpeg.has_value());
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/photo.jpg", *jpeg).has_value());

  const pid_t inspect =
      Spawn({"inspect", "--election", election_, dir_ + "/photo.jpg"}, dir_, "inspect");
  ASSERT_EQ(Wait(inspect), 0) << ReadTextFile(dir_ + "/inspect.err").value_or("");
  EXPECT_NE(ReadTextFile(dir_ + "/inspect.out")->find("signature      valid"), std::string::npos);

  const pid_t submit = Spawn(
      {"submit", "--public", "--center", CenterUrl(), "--election", election_, dir_ + "/photo.jpg"},
      dir_, "submit");
  ASSERT_EQ(Wait(submit), 0) << ReadTextFile(dir_ + "/submit.err").value_or("");
  EXPECT_NE(ReadTextFile(dir_ + "/submit.out")->find("accepted acta of table"), std::string::npos);
  EXPECT_EQ(center_->ingest().count(center::IngestStatus::kAccepted), 1u);
}

}  // namespace
}  // namespace acta

namespace acta {
namespace {

// `acta compare --photos`: an observer's phone photos of two sheets, one
// whose acta the center has logged and one it has never seen, plus a file
// that is no photo; the CSV and JSON say which is which.
TEST_F(TerminalE2eTest, CompareReadsAFolderOfPhotosAgainstTheLog) {
  const pid_t submit = Spawn(
      {"submit", "--public", "--center", CenterUrl(), "--election", election_, dir_ + "/acta.bin"},
      dir_, "submit");
  ASSERT_EQ(Wait(submit), 0) << ReadTextFile(dir_ + "/submit.err").value_or("");
  http::HttpClientOptions co;
  co.base_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
  auto client = http::HttpClient::Create(co);
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE(WaitUntil([&] {
    auto cp = (*client)->Get("/checkpoint");
    return cp && cp->status == 200 && cp->BodyText().find("\n1\n") != std::string::npos;
  })) << "the acta was never sequenced";

  sim::SynthOptions so;
  so.tables = 20;
  so.seed = 3;
  auto synth = sim::SynthesizeElection(so);
  ASSERT_TRUE(synth.has_value());
  ActaBody body = Truth(manifest_, synth->election.truth).BodyFor(7);
  body.closing_time = manifest_.polls_close_not_before + 600;
  auto unsent = SignActa(body, TableKeys(synth->election.table_seeds).key(7));
  ASSERT_TRUE(unsent.has_value());

  const std::string photos = dir_ + "/photos";
  fs::create_directories(photos);
  photo::testing::Shot shot;
  shot.frame_width = 1200;
  shot.frame_height = 1600;
  shot.fill = 0.55;  // the square code whole in the frame
  shot.degrees = 11;
  shot.noise = 10;
  int n = 0;
  for (const Acta* a : {&acta_, &*unsent}) {
    const qr::GrayImage page = qr::Render(*qr::Encode(ActaToText(*a)), 5, 4);
    auto jpeg = photo::testing::EncodeJpeg(photo::testing::TakePhoto(page, shot), 80);
    ASSERT_TRUE(jpeg.has_value());
    ASSERT_TRUE(WriteFileAtomic(photos + "/IMG_" + std::to_string(++n) + ".jpg", *jpeg));
  }
  ASSERT_TRUE(WriteFileAtomic(photos + "/notes.txt", AsBytes("not a photo")));

  const pid_t compare =
      Spawn({"compare", "--photos", photos, "--center",
             "http://127.0.0.1:" + std::to_string(center_->public_port()), "--csv",
             dir_ + "/compare.csv", "--json", dir_ + "/compare.json", "--threads", "2"},
            dir_, "compare");
  EXPECT_EQ(Wait(compare), 1) << "one acta is missing from the log";
  const std::string out = ReadTextFile(dir_ + "/compare.out").value_or("");
  EXPECT_NE(out.find("held: 1 same, 0 different, 1 missing from the log, 0 invalid"),
            std::string::npos)
      << out << ReadTextFile(dir_ + "/compare.err").value_or("");
  const std::string csv = ReadTextFile(dir_ + "/compare.csv").value_or("");
  EXPECT_NE(csv.find(std::to_string(acta_.body.table_id) + ",same,IMG_1.jpg," +
                     HexEncode(acta_.LeafHash()) + ",0,counted,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(std::to_string(unsent->body.table_id) + ",missing,IMG_2.jpg,"),
            std::string::npos)
      << csv;
  const std::string json = ReadTextFile(dir_ + "/compare.json").value_or("");
  EXPECT_NE(json.find("\"format\": \"acta-compare-v1\""), std::string::npos) << json;
}

}  // namespace
}  // namespace acta
