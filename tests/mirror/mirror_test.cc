// `acta mirror` end to end: a real center on loopback, the mirror written
// into a temp directory, served by nginx with the repository's
// configuration; its files must equal the center's answers, a forking or
// rolled-back center must be refused, a mirror killed with SIGKILL must
// resume, and `acta verify` must pass on the mirror and catch a tampered one.
#include "mirror/mirror.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "core/receipt.h"
#include "log/receipt_key.h"
#include "log/tiles.h"
#include "mirror/layout.h"
#include "mirror/publish_batch.h"
#include "tests/center/center_fixture.h"
#include "tests/center/center_key_in_token.h"
#include "tests/cli/run_acta.h"
#include "tests/mirror/nginx_mirror.h"
#include "verify/log_source.h"
#include "verify/monitor.h"

namespace acta::testing {
namespace {

namespace fs = std::filesystem;

class MirrorTest : public CenterFixture {
 protected:
  // Restarts the center on another database (another log of the same
  // election, signed with the same key) at the same public address, as an
  // operator who forks the log would.
  void RestartOnDatabase(const std::string& name) {
    const uint16_t port = center_->public_port();
    StopCenter();
    db_path_ = (dir_ / name).string();
    center::CenterOptions o = Options();
    o.public_listen = {"127.0.0.1:" + std::to_string(port)};
    auto c = center::Center::Start(o, clock_);
    ASSERT_TRUE(c) << c.error().ToString();
    center_ = std::move(*c);
    http::HttpClientOptions io, po;
    io.base_url = "http://127.0.0.1:" + std::to_string(center_->ingest_port());
    po.base_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
    ingest_ = std::move(*http::HttpClient::Create(io));
    public_ = std::move(*http::HttpClient::Create(po));
  }

  // A region or table file is rewritten only when an entry changes it:
  // then it equals the center's answer; otherwise it equals it except for
  // the size it was written at (and the inclusion proofs at that size).
  void ExpectSameUpToSize(const std::string& mine, const std::string& center,
                          const std::string& what) {
    if (mine == center) return;
    auto a = nlohmann::json::parse(mine, nullptr, false);
    auto b = nlohmann::json::parse(center, nullptr, false);
    ASSERT_TRUE(a.is_object() && b.is_object()) << what;
    for (auto* j : {&a, &b}) {
      j->erase("log_size");
      j->erase("checkpoint_size");
      if (j->contains("actas"))
        for (auto& row : (*j)["actas"]) row.erase("inclusion_proof");
    }
    EXPECT_EQ(a, b) << what;
  }

  std::string CenterUrl() const {
    return "http://127.0.0.1:" + std::to_string(center_->public_port());
  }

  mirror::ClientFactory Clients(const std::string& url) const {
    return [url]() {
      http::HttpClientOptions o;
      o.base_url = url;
      o.max_response_bytes = 64 * 1024 * 1024;
      return http::HttpClient::Create(o);
    };
  }

  std::unique_ptr<mirror::Mirror> OpenMirror(const std::string& out, const std::string& url) {
    mirror::MirrorOptions o;
    o.out_dir = out;
    o.source_url = url;
    o.web_root = (dir_ / "web").string();
    fs::create_directories(dir_ / "web" / "assets");
    WriteText((dir_ / "web" / "index.html").string(), "<html><head><title>t</title></head></html>");
    WriteText((dir_ / "web" / "assets" / "app.js").string(), "console.log(1);\n");
    auto m = mirror::Mirror::Open(o, Clients(url), clock_);
    EXPECT_TRUE(m) << m.error().ToString();
    return m ? std::move(*m) : nullptr;
  }

  // Submits the truth actas of tables [from, to) and waits for the log.
  void SubmitTables(size_t from, size_t to, uint64_t log_size_after) {
    for (size_t i = from; i < to; ++i) {
      auto r = Submit(TruthActa(i).bytes, true);
      ASSERT_TRUE(r.status == 201 || r.status == 200) << r.status;
    }
    WaitForLogSize(log_size_after);
  }

  std::string File(const std::string& root, const std::string& rel) {
    auto data = ReadFile(root + "/" + rel);
    EXPECT_TRUE(data) << rel << ": " << data.error().ToString();
    return data ? std::string(AsChars(*data)) : std::string();
  }

  // Every file the mirror derives equals the center's answer at the same
  // checkpoint (the center must not have moved on).
  void ExpectSameAsCenter(const std::string& out) {
    const std::string cp = std::string(Get("/checkpoint").BodyText());
    ASSERT_EQ(File(out, mirror::kCheckpoint), cp);
    EXPECT_EQ(File(out, mirror::kBulletin), Get("/v1/bulletin").BodyText());
    EXPECT_EQ(File(out, mirror::kBulletinState), Get("/v1/bulletin?max_level=state").BodyText());
    EXPECT_EQ(File(out, mirror::kTablesCsv), Get("/v1/export/tables.csv").BodyText());
    EXPECT_EQ(File(out, mirror::kCheckpoints), Get("/v1/checkpoints").BodyText());
    EXPECT_EQ(File(out, mirror::kCheckpointsShort),
              Get("/v1/checkpoints?max=600&note=0").BodyText());
    EXPECT_EQ(File(out, mirror::kManifestJson), Get("/v1/manifest").BodyText());
    EXPECT_EQ(File(out, mirror::kReceiptKeys), Get("/v1/receipt-keys").BodyText());
    for (const Region& r : manifest_->regions)
      ExpectSameUpToSize(File(out, mirror::RegionPath(r.code)),
                         std::string(Get("/v1/regions/" + r.code).BodyText()), r.code);
    for (const TableRecord& t : manifest_->tables) {
      const std::string id = std::to_string(t.id);
      ExpectSameUpToSize(File(out, mirror::TablePath(t.id)),
                         std::string(Get("/v1/tables/" + id).BodyText()), "table " + id);
    }
    const uint64_t size = center_->log_state().latest()->stored.size;
    for (const log::TileId& tile : log::TilesToPublish(0, size)) {
      const std::string path = log::TilePath(tile);
      EXPECT_EQ(File(out, path), Get("/" + path).BodyText()) << path;
    }
    EXPECT_EQ(File(out, mirror::ArrivalsPath(manifest_->regions[0].code)),
              Get("/v1/arrivals?region=" + manifest_->regions[0].code + "&top=8").BodyText());
    const std::string html = File(out, "index.html");
    EXPECT_NE(html.find("<meta name=\"acta-mirror\""), std::string::npos);
    EXPECT_EQ(File(out, "assets/app.js"), "console.log(1);\n");
  }

  // What a reader may never see, whenever the mirror stopped: a checkpoint
  // whose bundles are missing, or a temporary file taken for a real one.
  void ExpectConsistent(const std::string& out) {
    auto note = ReadTextFile(out + "/" + mirror::kCheckpoint);
    if (!note) return;  // killed before the first checkpoint
    auto cp = log::ParseCheckpointUnverified(*note);
    ASSERT_TRUE(cp) << cp.error().ToString();
    for (const log::TileId& tile : log::TilesToPublish(0, cp->size)) {
      auto data = ReadFile(out + "/" + log::TilePath(tile));
      ASSERT_TRUE(data) << log::TilePath(tile) << " missing under checkpoint " << cp->size;
      if (tile.entries) {
        auto entries = log::ParseEntryBundle(*data);
        ASSERT_TRUE(entries && entries->size() == tile.width) << log::TilePath(tile);
      }
    }
    ASSERT_TRUE(ReadFile(out + "/" + mirror::kBulletin));
  }
};

TEST_F(MirrorTest, CopiesEveryAnswerOfTheCenterAndFollowsIt) {
  SubmitTables(0, 12, 12);
  const std::string out = (dir_ / "mirror").string();
  auto m = OpenMirror(out, CenterUrl());
  ASSERT_TRUE(m);
  auto r = m->Sync();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->published);
  EXPECT_EQ(r->size, 12u);
  ExpectSameAsCenter(out);

  // Nothing new: nothing written.
  auto again = m->Sync();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->published);

  // The log grows, with a conflicting acta: only what changed is rewritten
  // and everything still equals the center.
  SubmitTables(12, 30, 30);
  ASSERT_EQ(Submit(TruthActa(3, 1, 2).bytes, true).status, 409);
  WaitForLogSize(31);
  auto grown = m->Sync();
  ASSERT_TRUE(grown) << grown.error().ToString();
  EXPECT_EQ(grown->size, 31u);
  EXPECT_LT(grown->files_written, manifest_->tables.size() + manifest_->regions.size());
  ExpectSameAsCenter(out);

  // A new process resumes from the directory alone.
  m.reset();
  auto resumed = OpenMirror(out, CenterUrl());
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->held_size(), 31u);
  SubmitTables(30, 33, 34);
  auto r3 = resumed->Sync();
  ASSERT_TRUE(r3) << r3.error().ToString();
  ExpectSameAsCenter(out);
}

TEST_F(MirrorTest, RefusesAForkAndARollbackAndPublishesNothing) {
  SubmitTables(0, 10, 10);
  const std::string out = (dir_ / "mirror").string();
  auto m = OpenMirror(out, CenterUrl());
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Sync());
  const std::string held = File(out, mirror::kCheckpoint);

  // The operator starts a second log for the same election with the same
  // key: the same tables in another order, then more.
  RestartOnDatabase("fork.db");
  for (size_t i = 10; i-- > 0;) ASSERT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
  WaitForLogSize(10);
  auto same_size = m->Sync();
  ASSERT_FALSE(same_size);
  EXPECT_EQ(same_size.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(same_size.error().message.find("fork refused"), std::string::npos)
      << same_size.error().message;

  SubmitTables(10, 14, 14);
  auto longer = m->Sync();
  ASSERT_FALSE(longer);
  EXPECT_NE(longer.error().message.find("fork refused"), std::string::npos)
      << longer.error().message;
  EXPECT_EQ(File(out, mirror::kCheckpoint), held);

  // A third log, shorter than what the mirror holds: a rollback.
  RestartOnDatabase("short.db");
  SubmitTables(0, 4, 4);
  auto shorter = m->Sync();
  ASSERT_FALSE(shorter);
  EXPECT_NE(shorter.error().message.find("rollback refused"), std::string::npos)
      << shorter.error().message;
  EXPECT_EQ(File(out, mirror::kCheckpoint), held);
}

TEST_F(MirrorTest, RefusesToResumeADirectoryThatNoLongerMatchesItsCheckpoint) {
  SubmitTables(0, 5, 5);
  const std::string out = (dir_ / "mirror").string();
  {
    auto m = OpenMirror(out, CenterUrl());
    ASSERT_TRUE(m && m->Sync());
  }
  const std::string bundle = out + "/" + log::TilePath({true, 0, 0, 5});
  auto data = ReadFile(bundle);
  ASSERT_TRUE(data);
  (*data)[data->size() - 1] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(bundle, *data));
  mirror::MirrorOptions o;
  o.out_dir = out;
  auto m = mirror::Mirror::Open(o, Clients(CenterUrl()), clock_);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kCorruption);
}

TEST_F(MirrorTest, ServedByNginxItVerifiesCanBeMirroredAndTamperingIsCaught) {
  SubmitTables(0, 20, 20);
  ASSERT_EQ(Submit(TruthActa(2, 1, 3).bytes, true).status, 409);
  WaitForLogSize(21);
  const std::string out = (dir_ / "mirror").string();
  {
    auto m = OpenMirror(out, CenterUrl());
    ASSERT_TRUE(m && m->Sync());
  }
  fs::create_directories(dir_ / "nginx" / "tmp");
  NginxMirror nginx(out, (dir_ / "nginx").string());
  ASSERT_TRUE(nginx.ok()) << nginx.error();

  const std::string work = (dir_ / "work").string();
  fs::create_directories(work);
  auto ok = RunActa({"verify", "--center", nginx.url()}, work);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;

  // A mirror of the mirror, through nginx: the same files.
  const std::string second = (dir_ / "second").string();
  {
    auto m2 = OpenMirror(second, nginx.url());
    ASSERT_TRUE(m2);
    auto r = m2->Sync();
    ASSERT_TRUE(r) << r.error().ToString();
  }
  for (const std::string& rel :
       {std::string(mirror::kCheckpoint), std::string(mirror::kBulletin),
        std::string(mirror::kTablesCsv), std::string(mirror::kCheckpoints),
        mirror::TablePath(manifest_->tables[2].id), mirror::RegionPath(manifest_->regions[1].code),
        mirror::ArrivalsPath(manifest_->regions[0].code)})
    EXPECT_EQ(File(second, rel), File(out, rel)) << rel;

  // Clients that accept gzip get the .gz the mirror wrote (nginx never
  // compresses per request); it decompresses to the file.
  {
    auto client = Clients(nginx.url())();
    ASSERT_TRUE(client);
    auto gz = (*client)->Get("/v1/bulletin", {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(gz);
    EXPECT_EQ(gz->Header("content-encoding"), "gzip");
    EXPECT_EQ(std::string(gz->BodyText()), File(out, std::string(mirror::kBulletin) + ".gz"));
  }

  // Someone alters an entry bundle (one byte of the last acta): verify
  // recomputes the tree from the entries and fails.
  const std::string bundle_rel = log::TilePath({true, 0, 0, 21});
  const std::string original_bundle = File(out, bundle_rel);
  std::string altered = original_bundle;
  altered.back() ^= 1;
  ASSERT_TRUE(WriteFileAtomic(out + "/" + bundle_rel, std::string_view(altered)));
  ASSERT_TRUE(nginx.WaitUntilServed("/" + bundle_rel, altered));
  const std::string work2 = (dir_ / "work-bundle").string();
  fs::create_directories(work2);
  auto bad_entry = RunActa({"verify", "--center", nginx.url()}, work2);
  EXPECT_NE(bad_entry.exit_code, 0) << bad_entry.out << bad_entry.err;
  ASSERT_TRUE(WriteFileAtomic(out + "/" + bundle_rel, std::string_view(original_bundle)));
  ASSERT_TRUE(nginx.WaitUntilServed("/" + bundle_rel, original_bundle));

  // Someone edits a vote count in the mirror's latest bulletin.
  const std::string bulletin = out + "/" + mirror::BulletinAtPath(21);
  std::string text = File(out, mirror::BulletinAtPath(21));
  const auto votes = text.find("\"votes\":[");
  ASSERT_NE(votes, std::string::npos);
  text.insert(votes + 9, "1");
  ASSERT_TRUE(WriteFileAtomic(bulletin, std::string_view(text)));
  ASSERT_TRUE(nginx.WaitUntilServed("/v1/bulletin?size=21", text));
  auto caught = RunActa({"verify", "--center", nginx.url()}, work);
  EXPECT_NE(caught.exit_code, 0) << caught.out << caught.err;
  EXPECT_NE((caught.out + caught.err).find("bulletin"), std::string::npos) << caught.out;
}

TEST_F(MirrorTest, RunsFromItsTomlConfiguration) {
  SubmitTables(0, 5, 5);
  const std::string out = (dir_ / "from-config").string();
  const std::string work = (dir_ / "work").string();
  fs::create_directories(work);
  const std::string toml = work + "/mirror.toml";
  std::ofstream(toml) << "center = \"" << CenterUrl() << "\"\nout = \"" << out
                      << "\"\nweb-root = \"none\"\nquiet = true\n";
  auto printed = RunActa({"mirror", "--config", toml, "--print-config"}, work);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("out = '" + out + "'"), std::string::npos) << printed.out;
  auto ran = RunActa({"mirror", "--config", toml}, work);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(File(out, mirror::kCheckpoint), Get("/checkpoint").BodyText());

  std::ofstream(toml) << "centre = \"" << CenterUrl() << "\"\n";
  auto typo = RunActa({"mirror", "--config", toml, "--out", out}, work);
  EXPECT_EQ(typo.exit_code, 2) << typo.err;
  EXPECT_NE(typo.err.find("centre"), std::string::npos) << typo.err;
}

// `acta mirror --follow` as a child process; SIGTERM ends it.
pid_t StartFollower(const std::string& url, const std::string& out, const char* interval) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(ACTA_BINARY, ACTA_BINARY, "mirror", "--center", url.c_str(), "--out", out.c_str(),
            "--follow", "--interval", interval, "--quiet", "--web-root", "none", nullptr);
    ::_exit(127);
  }
  return pid;
}

TEST_F(MirrorTest, FollowsACenterByItsEventsAndAMirrorByPolling) {
  SubmitTables(0, 5, 5);
  const std::string out = (dir_ / "mirror").string();
  const std::string second = (dir_ / "second").string();
  // An hour between polls: only the center's events can bring new
  // checkpoints in time.
  const pid_t by_events = StartFollower(CenterUrl(), out, "3600");
  auto caught_up = [&](const std::string& dir) {
    for (int i = 0; i < 400; ++i) {  // bounded: 20 s
      auto mine = ReadTextFile(dir + "/" + mirror::kCheckpoint);
      if (mine && *mine == Get("/checkpoint").BodyText()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  EXPECT_TRUE(caught_up(out)) << "first sync";
  SubmitTables(5, 9, 9);
  WaitForLogSize(9);
  EXPECT_TRUE(caught_up(out)) << "a new checkpoint announced by /v1/events";

  // A mirror of that mirror through nginx: no /v1/events there (404), so
  // it polls every --interval.
  fs::create_directories(dir_ / "nginx" / "tmp");
  NginxMirror nginx(out, (dir_ / "nginx").string());
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  const pid_t by_polling = StartFollower(nginx.url(), second, "0.2");
  SubmitTables(9, 12, 12);
  WaitForLogSize(12);
  EXPECT_TRUE(caught_up(out)) << "the first mirror";
  EXPECT_TRUE(caught_up(second)) << "the mirror of the mirror, by polling";
  for (pid_t pid : {by_events, by_polling}) {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
}

TEST_F(MirrorTest, KilledWithSigkillAtAnyMomentItResumesToTheSameFiles) {
  const std::string out = (dir_ / "mirror").string();
  const std::string work = (dir_ / "work").string();
  fs::create_directories(work);
  size_t next = 0;
  for (int round = 0; round < 6; ++round) {
    SubmitTables(next, next + 6, next + 6);
    next += 6;
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string url = CenterUrl();
      ::execl(ACTA_BINARY, ACTA_BINARY, "mirror", "--center", url.c_str(), "--out", out.c_str(),
              "--follow", "--interval", "0.05", "--quiet", "--web-root", "none", nullptr);
      ::_exit(127);
    }
    // Kill it at a different moment each round, often mid-batch.
    std::this_thread::sleep_for(std::chrono::milliseconds(15 + 37 * round));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "acta mirror exited by itself: " << status;
    ExpectConsistent(out);
  }
  auto done = RunActa(
      {"mirror", "--center", CenterUrl(), "--out", out, "--web-root", "none", "--quiet"}, work);
  ASSERT_EQ(done.exit_code, 0) << done.err;
  for (auto it = fs::recursive_directory_iterator(out); it != fs::end(it); ++it)
    EXPECT_FALSE(it->path().string().ends_with(mirror::kTempSuffix)) << it->path();
  EXPECT_EQ(File(out, mirror::kCheckpoint), Get("/checkpoint").BodyText());
  EXPECT_EQ(File(out, mirror::kBulletin), Get("/v1/bulletin").BodyText());
  EXPECT_EQ(File(out, mirror::kTablesCsv), Get("/v1/export/tables.csv").BodyText());
  for (const TableRecord& t : manifest_->tables)
    ExpectSameUpToSize(File(out, mirror::TablePath(t.id)),
                       std::string(Get("/v1/tables/" + std::to_string(t.id)).BodyText()),
                       "table " + std::to_string(t.id));
}

// A center whose key is in a token signs receipts with receipt keys it
// certifies (docs/FORMATS.md, "Receipt key certificate"). A mirror must
// republish the certificates: a monitor that checks an observer group's
// receipts against a mirror would otherwise report every good receipt as
// invalid, a false accusation of the center.
class MirrorOfTokenCenterTest : public MirrorTest {
 protected:
  void BeforeCenter() override {
    CreateCenterKeyInToken(*synth_, "acta-mirror-test", "1357", token_);
  }
  void AdjustCenter(center::CenterOptions& o) const override { UseCenterKeyInToken(*token_, o); }
  std::unique_ptr<token::SoftToken> token_;
};

TEST_F(MirrorOfTokenCenterTest, RepublishesReceiptKeysSoAMonitorOfItAcceptsGoodReceipts) {
  constexpr size_t kActas = 6;
  const fs::path receipts = dir_ / "receipts";
  fs::create_directories(receipts);
  for (size_t i = 0; i < kActas; ++i) {
    auto r = Submit(TruthActa(i).bytes, true);
    ASSERT_EQ(r.status, 201) << r.BodyText();
    auto receipt = Receipt::Decode(r.body);
    ASSERT_TRUE(receipt);
    ASSERT_EQ(manifest_->FindCenter(receipt->center_key_id), nullptr) << "not a receipt key";
    ASSERT_TRUE(
        WriteFileAtomic((receipts / ("table-" + std::to_string(i) + ".receipt")).string(), r.body));
  }
  WaitForLogSize(kActas);
  const std::string out = (dir_ / "mirror").string();
  {
    auto m = OpenMirror(out, CenterUrl());
    ASSERT_TRUE(m);
    auto r = m->Sync();
    ASSERT_TRUE(r) << r.error().ToString();
  }
  // The center's seven certificates, byte for byte.
  const std::string keys = File(out, mirror::kReceiptKeys);
  EXPECT_EQ(keys, Get(std::string(log::kReceiptKeysPath)).BodyText());
  log::ReceiptKeyRing ring(*manifest_);
  ASSERT_TRUE(ring.AddCertificates(keys));
  EXPECT_EQ(ring.certificates(), log::kReceiptKeyDays);

  fs::create_directories(dir_ / "nginx" / "tmp");
  NginxMirror nginx(out, (dir_ / "nginx").string());
  ASSERT_TRUE(nginx.ok()) << nginx.error();
  auto client = Clients(nginx.url())();
  ASSERT_TRUE(client);
  // nginx answers the center's routes from the mirror directory.
  verify::HttpLogSource source(**client, /*mirror=*/false);
  verify::MonitorOptions mo;
  mo.state_dir = (dir_ / "monitor").string();
  mo.source_is_mirror = true;
  mo.receipts_dir = receipts.string();
  std::vector<nlohmann::json> events;
  auto monitor = verify::Monitor::Open(source, mo, clock_,
                                       [&](const nlohmann::json& e) { events.push_back(e); });
  ASSERT_TRUE(monitor) << monitor.error().ToString();
  ASSERT_TRUE((*monitor)->Poll());
  for (const auto& e : events) EXPECT_NE(e.value("event", ""), "receipt_invalid") << e.dump();
  EXPECT_EQ((*monitor)->stats().receipts_logged, kActas);
  EXPECT_FALSE((*monitor)->alarmed());

  // The certificates are part of what the directory must reproduce: a
  // mirror that finds them altered refuses to resume.
  std::string altered = keys;
  altered[altered.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomic(out + "/" + mirror::kReceiptKeys, std::string_view(altered)));
  mirror::MirrorOptions o;
  o.out_dir = out;
  o.source_url = CenterUrl();
  auto reopened = mirror::Mirror::Open(o, Clients(CenterUrl()), clock_);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::kCorruption) << reopened.error().ToString();
  EXPECT_NE(reopened.error().message.find("receipt-keys"), std::string::npos)
      << reopened.error().message;
}

}  // namespace
}  // namespace acta::testing
