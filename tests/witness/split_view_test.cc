// Split view (issues #16 and #24): a dishonest operator runs two centers of
// one election with the same key, each on its own database, and shows one
// log to reader A and another to reader B. Both logs are internally
// perfect; only the witnesses tell them apart. The honest witnesses cosign
// the first log they see and refuse the second (422: it does not extend
// what they cosigned), so reader B's `acta verify --require-witnesses`
// fails below quorum and says who did not cosign, and reader B's `acta
// monitor` raises witness_quorum after its grace, asks the witnesses what
// they cosigned, and proves the fork with a witness's copy of A's
// checkpoint, as evidence `acta verify --dump` checks offline. Reader A
// sees nothing wrong.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "log/checkpoint.h"
#include "tests/cli/run_acta.h"
#include "tests/witness/witness_fixture.h"
#include "verify/log_source.h"
#include "verify/monitor.h"
#include "verify/witness_reader.h"

namespace acta::testing {
namespace {

using nlohmann::json;
using SplitViewTest = WitnessCenterFixture;

struct Reader {
  std::vector<json> alarms;
  std::unique_ptr<verify::Monitor> monitor;
};

TEST_F(SplitViewTest, HonestWitnessesRefuseTheSecondLogAndItsReadersAreTold) {
  constexpr size_t kLog = 10;
  // View A: tables 0..9 in order, cosigned by all three witnesses.
  SubmitTables(0, kLog);
  ASSERT_EQ(WaitForCosigners(3), 3u);
  std::unique_ptr<center::Center> a = std::move(center_);
  std::unique_ptr<http::HttpClient> a_public = std::move(public_);
  ingest_.reset();

  // View B: the same actas in the reverse order, on another database, with
  // the same key and the same witnesses.
  db_path_ = (dir_ / "other-view.db").string();
  StartCenter();
  for (size_t i = kLog; i-- > 0;) ASSERT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
  WaitForLogSize(kLog);
  // B's collector keeps trying: the witnesses hold A's tree of size 10.
  for (int i = 0; i < 500; ++i) {
    uint64_t refused = 0;
    for (const auto& w : witnesses_) refused += w->witness().counters().inconsistent;
    if (refused >= witnesses_.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const auto& w : witnesses_) {
    EXPECT_GE(w->witness().counters().inconsistent, 1u) << "the second root was not refused";
  }
  EXPECT_EQ(center_->cosignatures()->CosignersOf(kLog).size(), 0u);
  const auto b_root = center_->log_state().latest()->stored.root;
  ASSERT_NE(b_root, a->log_state().latest()->stored.root);

  // `acta verify --require-witnesses`: A passes, B fails and says why.
  verify::Report ra = Verify(*a_public, true);
  EXPECT_TRUE(ra.ok()) << verify::FormatReport(ra);
  verify::Report rb = Verify(*public_, true);
  EXPECT_FALSE(rb.ok());
  ASSERT_TRUE(rb.Has(verify::ProblemKind::kWitnessQuorum)) << verify::FormatReport(rb);
  for (const auto& p : rb.problems) {
    EXPECT_EQ(p.kind, verify::ProblemKind::kWitnessQuorum)
        << "B's log is otherwise perfect: " << verify::FormatProblem(p);
  }
  const std::string why = verify::FormatReport(rb);
  for (const auto& w : manifest_->witnesses) EXPECT_NE(why.find(w.name), std::string::npos) << why;
  EXPECT_NE(why.find("cosigned by 0 of the 3 witnesses"), std::string::npos) << why;

  // `acta dump --require-witnesses` (the binary): A's dump is pinned at its
  // cosigned checkpoint and verifies offline with the quorum; B's is written
  // but the command fails, and the offline verifier says the same.
  auto url = [](const center::Center& c) {
    return "http://127.0.0.1:" + std::to_string(c.public_port());
  };
  for (const bool is_a : {true, false}) {
    const std::string out = (dir_ / (is_a ? "dump-a" : "dump-b")).string();
    auto dumped = RunActa({"dump", "--center", url(is_a ? *a : *center_), "--out", out,
                           "--require-witnesses", "--quiet"},
                          dir_.string());
    EXPECT_EQ(dumped.exit_code == 0, is_a) << dumped.err;
    if (!is_a) {
      EXPECT_NE(dumped.err.find("no published checkpoint carries the manifest's witness quorum"),
                std::string::npos)
          << dumped.err;
    }
    auto offline = RunActa({"verify", "--dump", out, "--require-witnesses"}, dir_.string());
    EXPECT_EQ(offline.exit_code == 0, is_a) << offline.out << offline.err;
  }

  // `acta monitor` on each view, asking the witnesses over HTTP.
  FakeClock monitor_clock(clock_.NowUnixMillis());
  verify::WitnessReader witness_reader(log::LogOrigin(manifest_->election_id));
  auto open = [&](verify::LogSource& source, Reader& r, const std::string& name) {
    verify::MonitorOptions mo;
    mo.state_dir = (dir_ / name).string();
    mo.witness_grace = std::chrono::seconds(5);
    // The manifest's URLs are the synthetic election's placeholders: ask
    // the witnesses where this test runs them (acta monitor --witness-url).
    mo.witness_checkpoint = [&](const ManifestWitness& w) {
      ManifestWitness here = w;
      here.url = urls_[w.name];
      return witness_reader.Latest(here);
    };
    auto m = verify::Monitor::Open(source, mo, monitor_clock, [&r](const json& e) {
      if (e.value("event", "") == "alarm") r.alarms.push_back(e);
    });
    ASSERT_TRUE(m) << m.error().ToString();
    r.monitor = std::move(*m);
  };
  verify::HttpLogSource source_a(*a_public, false), source_b(*public_, false);
  Reader reader_a, reader_b;
  open(source_a, reader_a, "monitor-a");
  open(source_b, reader_b, "monitor-b");
  ASSERT_TRUE(reader_a.monitor && reader_b.monitor);
  ASSERT_TRUE(reader_a.monitor->Poll());
  ASSERT_TRUE(reader_b.monitor->Poll());
  // Below quorum is normal for a moment: no alarm within the grace.
  EXPECT_TRUE(reader_b.alarms.empty()) << reader_b.alarms[0].dump();
  monitor_clock.Advance(std::chrono::seconds(6));
  ASSERT_TRUE(reader_a.monitor->Poll());
  ASSERT_TRUE(reader_b.monitor->Poll());

  EXPECT_TRUE(reader_a.alarms.empty()) << reader_a.alarms[0].dump();
  EXPECT_GE(reader_a.monitor->stats().checkpoints_cosigned, 1u);
  const json* quorum = nullptr;
  const json* fork = nullptr;
  for (const auto& alarm : reader_b.alarms) {
    if (alarm["kind"] == "witness_quorum") quorum = &alarm;
    if (alarm["kind"] == "fork" && fork == nullptr) fork = &alarm;  // the one with evidence
  }
  ASSERT_NE(quorum, nullptr) << json(reader_b.alarms).dump();
  const std::string message = (*quorum)["message"].get<std::string>();
  EXPECT_NE(message.find("split view"), std::string::npos) << message;
  EXPECT_NE(message.find("cosigned size 10"), std::string::npos) << quorum->dump(1);
  ASSERT_NE(fork, nullptr) << json(reader_b.alarms).dump();
  EXPECT_EQ((*fork)["size"].get<uint64_t>(), kLog);
  // The fork's evidence: B's checkpoint and the witness's copy of A's, two
  // center-signed roots for size 10, which the verifier finds offline.
  ASSERT_TRUE(fork->contains("evidence")) << fork->dump();
  verify::DirectoryFiles evidence((*fork)["evidence"].get<std::string>());
  verify::VerifyOptions vo;
  vo.threads = 1;
  verify::Report offline = verify::VerifyFiles(evidence, vo);
  EXPECT_TRUE(offline.Has(verify::ProblemKind::kFork)) << verify::FormatReport(offline);

  a->Stop();
}

}  // namespace
}  // namespace acta::testing
