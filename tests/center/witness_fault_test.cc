// Issue #21, the witness: a real `acta witness` runs under strace, which
// makes the N-th call of one file syscall on its state database (SQLite:
// the file, -wal, -shm, -journal and the directory) fail with EIO or ENOSPC,
// or kills the witness on it, while a log asks it to cosign growing
// checkpoints (and, between them, a second root for the size it holds).
// Then the witness is restarted on the same state without faults. Checks:
//   - it never cosigns a second root for a size, in either run;
//   - a failed fsync is never survived in place: the witness stops (exit 74,
//     store/fsync_failure.h); any other fault leaves it answering;
//   - a refusal at start names the state file;
//   - after the restart it serves a checkpoint at least as large as every
//     one it cosigned before the fault, of the same history, refuses an
//     older size and a second root at its size, and cosigns the next one.
//
// ctest runs two N per syscall and fault; ACTA_SYSCALL_FAULTS=full sweeps
// every N (scripts/syscall-faults.sh; strace_faults.h has the environment).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/cosigner_keys.h"
#include "core/crypto.h"
#include "core/testing/manifest_fixtures.h"
#include "log/cosigned_checkpoint.h"
#include "terminal/http_client.h"
#include "tests/center/acta_process.h"
#include "tests/center/strace_faults.h"
#include "witness/testing/test_log.h"

namespace acta::testing::chaos {
namespace {

using std::chrono::milliseconds;
using witness::testing::TestLog;

constexpr std::string_view kOrigin = "acta/witness-fault-test";
// Checkpoints the log asks the witness to cosign in a faulted run, each 3
// entries larger than the last.
constexpr int kSteps = 8;
constexpr uint64_t kGrowth = 3;
// The file syscalls a witness's SQLite state can make (a clean run shows
// which it does; the others are listed so that a change is noticed).
const std::vector<std::string> kSyscalls = {"openat", "pwrite64",  "write",  "pread64", "fdatasync",
                                            "fsync",  "ftruncate", "unlink", "rename"};

// What one run of the witness answered.
struct Answers {
  uint64_t largest_cosigned = 0;  // the largest size answered 200
  int cosigned = 0;
  int refused_other_root = 0;  // second roots refused (none may be accepted)
  int failed = 0;              // 5xx or no answer
};

struct CaseResult {
  FaultCase fault;
  bool injected = false;
  std::string faulted_run;  // "ran, stopped with N", "exited by itself (N)", ...
  std::string restart;
  Answers answers;
  bool passed = false;
};

class WitnessFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!StraceWorks()) GTEST_SKIP() << "strace cannot trace here (no ptrace permission?)";
    dir_ = TestDir();
    key_file_ = dir_ + "/witness.key";
    ASSERT_TRUE(WriteCosignerKeyFile(key_file_, key_));
  }

  void TearDown() override {
    if (HasFailure()) {
      std::printf("[witness-faults] logs kept in %s\n", dir_.c_str());
    } else if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  static std::string Db(const std::string& state_dir) { return state_dir + "/witness.db"; }

  // The state's files: strace's -P matches exact paths (and fds open on them).
  static std::vector<std::string> StatePaths(const std::string& state_dir) {
    const std::string db = Db(state_dir);
    return {state_dir, db, db + "-wal", db + "-shm", db + "-journal"};
  }

  std::vector<std::string> Args(const std::string& state_dir) const {
    return {"witness",
            "--key",
            key_file_,
            "--state",
            Db(state_dir),
            "--log",
            std::string(kOrigin) + "=" + log_.key.verifier().ToString(),
            "--listen",
            "127.0.0.1:0"};
  }

  // Starts the witness and returns its URL ("witness http://...\nvkey ...").
  Result<std::string> Start(ActaProcess& p, const std::string& state_dir) {
    ACTA_RETURN_IF_ERROR(p.Start(Args(state_dir), "\nvkey ", milliseconds(20'000)));
    const std::string out = Slurp(p.out_path());
    const size_t at = out.find("http://");
    return out.substr(at, out.find('\n', at) - at);
  }

  static std::unique_ptr<http::HttpClient> Client(const std::string& url) {
    http::HttpClientOptions o;
    o.base_url = url;
    o.request_timeout = milliseconds(10'000);
    return std::move(*http::HttpClient::Create(o));
  }

  static int Post(http::HttpClient& c, const std::string& body, std::string* answer = nullptr) {
    auto r = c.Post("/add-checkpoint", AsBytes(body));
    if (!r) return 0;
    if (answer) *answer = std::string(r->BodyText());
    return r->status;
  }

  // The log asks for kSteps cosignatures, each from the size the witness
  // holds (learned from a 409 when it holds another); before each, a second
  // root for the held size, which must never be cosigned.
  Answers Drive(const std::string& url, ActaProcess& p, const FaultCase& f) {
    Answers a;
    auto client = Client(url);
    uint64_t held = 0;
    for (int step = 0; step < kSteps && p.Running(); ++step) {
      if (held > 0) {
        const int other = Post(*client, other_log_.Body(held, held));
        EXPECT_NE(other, 200) << Describe(f) << ": cosigned a second root for size " << held;
        a.refused_other_root += other == 422 ? 1 : 0;
      }
      std::string answer;
      const uint64_t next = held + kGrowth;
      const int status = Post(*client, log_.Body(held, next), &answer);
      if (status == 200) {
        held = next;
        a.largest_cosigned = std::max(a.largest_cosigned, next);
        ++a.cosigned;
      } else if (status == 409) {
        held = std::stoull(answer);  // the witness holds more than we knew
      } else {
        ++a.failed;
      }
    }
    return a;
  }

  // The restarted witness's checks (see the top of the file).
  void CheckAfterRestart(const std::string& url, const Answers& before, const FaultCase& f) {
    auto client = Client(url);
    const std::string hash = HexEncode(Sha256(AsBytes(kOrigin)));
    auto got = client->Get("/" + hash + "/checkpoint");
    ASSERT_TRUE(got) << got.error().ToString();
    uint64_t held = 0;
    if (got->status == 404) {
      EXPECT_EQ(before.largest_cosigned, 0u)
          << Describe(f) << ": cosigned size " << before.largest_cosigned
          << " before the fault, holds nothing after the restart";
    } else {
      ASSERT_EQ(got->status, 200) << got->BodyText();
      const std::vector<VerifierKey> log_keys = {log_.key.verifier()};
      auto cp =
          log::VerifyCosignedCheckpoint(got->BodyText(), log_keys, kOrigin,
                                        log::SignerQuorum{{log::NoteKey::Of(key_.verifier())}, 1});
      ASSERT_TRUE(cp) << Describe(f) << ": " << cp.error().ToString();
      held = cp->checkpoint.size;
      EXPECT_GE(held, before.largest_cosigned)
          << Describe(f) << ": the restarted witness holds size " << held << " but cosigned "
          << before.largest_cosigned << " before the fault";
      EXPECT_EQ(cp->checkpoint.root, log_.tree.RootAt(held).value())
          << Describe(f) << ": holds another history at size " << held;
    }
    if (held >= 1) {
      EXPECT_NE(Post(*client, log_.Body(0, held - 1)), 200)
          << Describe(f) << ": cosigned size " << held - 1 << " after holding " << held;
      EXPECT_NE(Post(*client, other_log_.Body(held, held)), 200)
          << Describe(f) << ": cosigned a second root for size " << held << " after the restart";
    }
    EXPECT_EQ(Post(*client, log_.Body(held, held + kGrowth)), 200)
        << Describe(f) << ": did not cosign " << held << " -> " << held + kGrowth
        << " after the restart";
  }

  std::map<std::string, int> CountCalls() {
    const std::string state_dir = dir_ + "/count";
    std::filesystem::create_directories(state_dir);
    const std::string trace = state_dir + "/trace.txt";
    ActaProcess p({"count", state_dir, StraceWrapper(StatePaths(state_dir), kSyscalls, trace)});
    auto url = Start(p, state_dir);
    EXPECT_TRUE(url) << url.error().ToString();
    if (!url) return {};
    const Answers a = Drive(*url, p, {"none", "none", 0});
    EXPECT_EQ(a.cosigned, kSteps) << p.LogTail();
    EXPECT_EQ(a.refused_other_root, kSteps - 1) << p.LogTail();
    EXPECT_EQ(p.Terminate(milliseconds(15'000)), 0) << p.LogTail();
    return MostCallsPerThread(Slurp(trace));
  }

  CaseResult RunCase(const FaultCase& f, int index) {
    CaseResult r;
    r.fault = f;
    const int failed_before = FailedParts();
    const std::string state_dir = dir_ + "/case-" + std::to_string(index);
    std::filesystem::create_directories(state_dir);
    const std::string trace = state_dir + "/trace.txt";
    {
      ActaProcess p(
          {"faulted", state_dir, StraceWrapper(StatePaths(state_dir), kSyscalls, trace, &f)});
      auto url = Start(p, state_dir);
      if (!url) {
        const std::string why = url.error().ToString();
        if (f.fault == "KILL" && why.find("(signal 9)") != std::string::npos) {
          r.faulted_run = "killed at start";
        } else {
          r.faulted_run = "refused at start";
          // A witness that cannot use its state must say which file.
          EXPECT_NE(why.find(Db(state_dir)), std::string::npos)
              << Describe(f) << ": the refusal does not name the state file: " << why;
        }
      } else {
        r.answers = Drive(*url, p, f);
        if (p.Running()) {
          const int code = p.Terminate(milliseconds(15'000));
          r.faulted_run = "ran, stopped with " + std::to_string(code);
          EXPECT_NE(code, -1) << Describe(f) << ": did not stop within 15 s of SIGTERM";
        } else {
          r.faulted_run = "exited by itself (" + std::to_string(p.exit_code()) + ")";
        }
      }
      const bool fsync_failed =
          f.fault != "KILL" && (f.syscall == "fdatasync" || f.syscall == "fsync");
      const std::string t = Slurp(trace);
      r.injected = t.find("(INJECTED)") != std::string::npos || p.exit_code() == 128 + 9;
      if (r.faulted_run.starts_with("exited by itself") && f.fault != "KILL") {
        // Only a failed fsync may stop it (store/fsync_failure.h).
        EXPECT_TRUE(fsync_failed && p.exit_code() == 74)
            << Describe(f) << ": the witness stopped on a fault it should survive: " << p.LogTail();
      }
      if (fsync_failed && r.injected) {
        // And a failed fsync must stop it, before it answers (the pages it
        // could not write may be gone while reads still return them).
        EXPECT_EQ(p.exit_code(), 74)
            << Describe(f) << ": survived a failed fsync in place: " << r.faulted_run << "; "
            << p.LogTail();
      }
    }

    ActaProcess clean({"clean", state_dir, {}});
    auto url = Start(clean, state_dir);
    if (!url) {
      r.restart = "refused: " + url.error().ToString();
      ADD_FAILURE() << Describe(f) << ": the witness did not restart on its state after the fault: "
                    << url.error().ToString();
      return r;
    }
    r.restart = "recovered";
    CheckAfterRestart(*url, r.answers, f);
    EXPECT_EQ(clean.Terminate(milliseconds(15'000)), 0) << clean.LogTail();
    r.passed = FailedParts() == failed_before;
    return r;
  }

  std::string dir_;
  std::string key_file_;
  NamedCosignerKey key_ = NamedCosignerKey::From("witness.test/faults", FixedSeed(0x62));
  TestLog log_{std::string(kOrigin)};
  TestLog other_log_{std::string(kOrigin), "b"};
};

TEST_F(WitnessFaultTest, NeverCosignsASmallerTreeOrASecondRootAfterAFault) {
  const auto counts = CountCalls();
  ASSERT_FALSE(HasFailure()) << "the clean counting run failed";
  std::string summary;
  for (const auto& [call, n] : counts) summary += " " + call + "=" + std::to_string(n);
  std::printf("[witness-faults] calls per thread in a clean run:%s\n", summary.c_str());
  ASSERT_GT(counts.count("fdatasync") + counts.count("fsync"), 0u) << "no syncs traced";

  const auto plan = PlanFaultCases(counts, kSyscalls);
  std::vector<FaultOutcome> outcomes;
  size_t injected = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto r = RunCase(plan[i], static_cast<int>(i));
    injected += r.injected ? 1 : 0;
    std::printf(
        "[witness-faults] %3zu/%zu %-10s #%-4d %-6s %-11s %s, %d cosigned (up to %llu), %d "
        "failed, restart %s%s\n",
        i + 1, plan.size(), r.fault.syscall.c_str(), r.fault.nth, r.fault.fault.c_str(),
        r.injected ? "injected" : "not reached", r.faulted_run.c_str(), r.answers.cosigned,
        static_cast<unsigned long long>(r.answers.largest_cosigned), r.answers.failed,
        r.restart.c_str(), r.passed ? "" : "  FAILED");
    std::fflush(stdout);
    outcomes.push_back({r.fault, r.injected, r.passed});
  }
  std::printf("[witness-faults] %zu cases, %zu injected\n", outcomes.size(), injected);
  EXPECT_GT(injected, 0u) << "no fault was injected: the trace filter matched nothing";
  WriteFaultResults(outcomes);
}

}  // namespace
}  // namespace acta::testing::chaos
