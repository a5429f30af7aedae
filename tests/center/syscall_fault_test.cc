// Issue #21: a disk that fails at the wrong moment. A real `acta center` on
// SQLite runs under strace, which makes the N-th call of one file syscall on
// the store's files fail with EIO or ENOSPC, or kills the center on it
// (SIGKILL before the call runs), while terminals send their actas. Then the
// center is restarted on the same files without faults and every terminal
// sends again. Checks after each case:
//   - a restart either recovers or refuses with a message naming the store;
//   - every acta that got a receipt during the faulted run is in the log with
//     that receipt's leaf (nothing acknowledged was lost);
//   - every checkpoint published during either run is consistent with the
//     final log, and the public verifier finds nothing (chaos_check.h).
//
// strace counts calls per thread, so "N-th call" is the N-th call of that
// syscall in each thread of the center (documented in docs/SECURITY.md).
//
// ctest runs a sample (one N per syscall and fault, spread over the range
// that a clean run reaches); ACTA_SYSCALL_FAULTS=full sweeps every N up to
// the count of a clean run (scripts/syscall-faults.sh, about an hour),
// ACTA_SYSCALL_STEP=k every k-th N. ACTA_SYSCALL_OUT=FILE writes the results
// as JSON (bench/report.py syscall_faults).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/testing/manifest_fixtures.h"
#include "sim/synth.h"
#include "tests/center/chaos_check.h"
#include "tests/center/chaos_load.h"
#include "tests/center/chaos_node.h"
#include "tests/center/chaos_watch.h"
#include "tests/center/strace_faults.h"

namespace acta::testing::chaos {
namespace {

using std::chrono::milliseconds;

constexpr uint32_t kTables = 8;
// The file syscalls the center's SQLite store makes (a clean run's trace
// shows pwrite64, pread64, fdatasync, openat, ftruncate and unlink; the
// others are listed so that a change of SQLite's habits is noticed).
const std::vector<std::string> kSyscalls = {"openat", "pwrite64",  "write",  "pread64", "fdatasync",
                                            "fsync",  "ftruncate", "unlink", "rename"};

struct CaseResult {
  FaultCase fault;
  bool injected = false;        // the N-th call happened (strace marked it INJECTED)
  std::string faulted_run;      // "ran, stopped with N", "exited by itself", "refused at start"
  std::string start_error;      // why it refused to start with the fault
  std::string restart;          // "recovered" or "refused: <message>"
  size_t receipts_faulted = 0;  // receipts during the faulted run
  size_t receipts_final = 0;
  bool passed = false;
};

class SyscallFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!StraceWorks()) GTEST_SKIP() << "strace cannot trace here (no ptrace permission?)";
    dir_ = TestDir();
    sim::SynthOptions o;
    o.tables = kTables;
    o.seed = 21;
    auto synth = sim::SynthesizeElection(o);
    ASSERT_TRUE(synth);
    synth_ = std::make_unique<sim::SynthResult>(std::move(*synth));
    ASSERT_TRUE(sim::WriteElectionDir(dir_ + "/election", *synth_));
  }

  void TearDown() override {
    if (HasFailure()) {
      std::printf("[syscall-faults] logs kept in %s\n", dir_.c_str());
    } else if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  const ElectionMaterial& election() const { return synth_->election; }

  // The store's files: strace's -P matches exact paths (and fds open on them).
  std::vector<std::string> StorePaths(const std::string& store_dir) const {
    const std::string db = store_dir + "/store.db";
    return {store_dir, db, db + "-wal", db + "-shm", db + "-journal"};
  }

  NodeConfig Config(const std::string& name, const std::string& store_dir) const {
    NodeConfig c;
    c.name = name;
    c.election_dir = dir_ + "/election";
    c.db_url = "sqlite:" + store_dir + "/store.db";
    c.key_file = dir_ + "/election/secrets/center.key";
    c.log_dir = store_dir;
    return c;
  }

  // Every terminal sends its acta to `node` until it has a receipt or the
  // deadline passes. Returns the deliveries.
  std::vector<TableDelivery> Load(NodeProcess& node, milliseconds deadline,
                                  std::vector<Acta>* actas = nullptr) {
    LoadOptions lo;
    lo.urls = {node.ingest_url()};
    lo.workers = 2;
    lo.spread = milliseconds(600);
    lo.deadline = deadline;
    TerminalLoad load(election(), lo);
    load.Start();
    load.Wait(deadline + milliseconds(3000));
    load.Stop();
    if (actas) *actas = load.actas();
    return load.Deliveries();
  }

  // How many times each syscall is called on the store per thread, at most,
  // in a clean run of the same workload: the range of N to sweep.
  std::map<std::string, int> CountCalls() {
    const std::string store_dir = dir_ + "/count";
    std::filesystem::create_directories(store_dir);
    const std::string trace = store_dir + "/trace.txt";
    NodeConfig c = Config("count", store_dir);
    c.wrapper = StraceWrapper(StorePaths(store_dir), kSyscalls, trace);
    NodeProcess node(c);
    auto st = node.Start();
    EXPECT_TRUE(st) << st.error().ToString();
    if (!st) return {};
    CheckpointWatcher watcher({node.public_url()}, milliseconds(20));
    watcher.Start();
    const auto d = Load(node, milliseconds(20'000));
    watcher.Stop();
    EXPECT_EQ(node.Terminate(), 0) << node.LogTail();
    EXPECT_EQ(std::count_if(d.begin(), d.end(), [](const auto& x) { return x.delivered; }),
              static_cast<long>(kTables));
    return MostCallsPerThread(Slurp(trace));
  }

  CaseResult RunCase(const FaultCase& f, int index) {
    CaseResult r;
    r.fault = f;
    const int failed_before = FailedParts();
    const std::string store_dir = dir_ + "/case-" + std::to_string(index);
    std::filesystem::create_directories(store_dir);
    const std::string trace = store_dir + "/trace.txt";
    NodeConfig c = Config("faulted", store_dir);
    c.wrapper = StraceWrapper(StorePaths(store_dir), kSyscalls, trace, &f);

    std::vector<SeenCheckpoint> seen;
    std::vector<TableDelivery> faulted;
    {
      NodeProcess node(c);
      auto st = node.Start(milliseconds(20'000));
      if (!st && f.fault == "KILL" && st.error().message.find("(signal 9)") != std::string::npos) {
        r.faulted_run = "killed at start";
      } else if (!st) {
        r.faulted_run = "refused at start";
        r.start_error = st.error().ToString();
        // A center that cannot use its store must say which file and why.
        EXPECT_NE(r.start_error.find(store_dir + "/store.db"), std::string::npos)
            << Describe(f) << ": the refusal does not name the store: " << r.start_error;
      } else {
        CheckpointWatcher watcher({node.public_url()}, milliseconds(20));
        watcher.Start();
        faulted = Load(node, milliseconds(6'000));
        watcher.Stop();
        seen = watcher.All();
        if (node.Running()) {
          // Stopping gracefully reaches the shutdown's calls too (final
          // commit and checkpoint); a center that hangs there is a finding.
          const int code = node.Terminate(milliseconds(15'000));
          r.faulted_run = "ran, stopped with " + std::to_string(code);
          EXPECT_NE(code, -1) << Describe(f)
                              << ": did not stop within 15 s of SIGTERM: " << node.LogTail();
          if (f.fault == "KILL" && code == 128 + SIGKILL) r.injected = true;
        } else {
          r.faulted_run = "exited by itself";
          if (f.fault == "KILL") r.injected = true;
        }
        // Only a failed fsync may stop the center by itself (fsync_failure.h);
        // any other injected error must be survived in place.
        const std::string err = Slurp(node.err_path());
        if (r.faulted_run == "exited by itself" && f.fault != "KILL") {
          EXPECT_NE(err.find("fsync failed"), std::string::npos)
              << Describe(f)
              << ": the center stopped on a fault it should survive: " << node.LogTail();
        }
      }
    }
    if (r.faulted_run == "killed at start") r.injected = true;
    r.injected = r.injected || Slurp(trace).find("(INJECTED)") != std::string::npos;
    for (const auto& d : faulted) r.receipts_faulted += d.delivered ? 1 : 0;

    // The same files, no faults: it must come back and lose nothing.
    NodeConfig clean = Config("clean", store_dir);
    NodeProcess node(clean);
    auto st = node.Start(milliseconds(30'000));
    if (!st) {
      r.restart = "refused: " + st.error().ToString();
      ADD_FAILURE() << Describe(f) << ": the center did not restart on the same files after the "
                    << "fault: " << st.error().ToString();
      r.passed = false;
      return r;
    }
    r.restart = "recovered";
    CheckpointWatcher watcher({node.public_url()}, milliseconds(20));
    watcher.Start();
    std::vector<Acta> actas;
    const auto final_deliveries = Load(node, milliseconds(30'000), &actas);
    for (const auto& d : final_deliveries) r.receipts_final += d.delivered ? 1 : 0;
    EXPECT_EQ(r.receipts_final, kTables) << Describe(f) << ": terminals did not all get receipts "
                                         << "after the restart: " << node.LogTail();
    // A receipt given before the fault names the leaf the log must hold.
    for (size_t i = 0; i < faulted.size() && i < final_deliveries.size(); ++i) {
      if (!faulted[i].delivered || !final_deliveries[i].delivered) continue;
      EXPECT_EQ(faulted[i].receipt.leaf_hash, final_deliveries[i].receipt.leaf_hash)
          << Describe(f) << ": table " << i << " was receipted for another leaf before the fault";
    }
    EXPECT_TRUE(watcher.WaitForAllAt({0}, kTables, milliseconds(20'000)))
        << Describe(f) << ": no checkpoint of " << kTables << " after the restart";
    watcher.Stop();
    auto after = watcher.All();
    seen.insert(seen.end(), after.begin(), after.end());
    // Receipts from the faulted run are checked the same way as the final
    // ones: their leaves must be in the log (CheckFinalState, check 3).
    std::vector<TableDelivery> all = final_deliveries;
    FinalCheckInput in;
    in.election = &election();
    in.db_url = clean.db_url;
    in.public_url = node.public_url();
    in.seen = seen;
    in.deliveries = all;
    in.actas = actas;
    in.work_dir = store_dir;
    CheckFinalState(in);
    EXPECT_EQ(node.Terminate(), 0) << node.LogTail();
    r.passed = FailedParts() == failed_before;
    return r;
  }

  std::string dir_;
  std::unique_ptr<sim::SynthResult> synth_;
};

TEST_F(SyscallFaultTest, EveryReceiptSurvivesAFailingStoreCall) {
  const auto counts = CountCalls();
  ASSERT_FALSE(HasFailure()) << "the clean counting run failed";
  std::string summary;
  for (const auto& [call, n] : counts) summary += " " + call + "=" + std::to_string(n);
  std::printf("[syscall-faults] calls per thread in a clean run:%s\n", summary.c_str());
  ASSERT_GT(counts.count("pwrite64") + counts.count("write"), 0u) << "no store writes traced";

  const auto plan = PlanFaultCases(counts, kSyscalls);
  std::vector<CaseResult> results;
  size_t injected = 0, refused_at_start = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto r = RunCase(plan[i], static_cast<int>(i));
    injected += r.injected ? 1 : 0;
    refused_at_start += r.faulted_run == "refused at start" ? 1 : 0;
    std::printf(
        "[syscall-faults] %3zu/%zu %-10s #%-4d %-6s %-11s %s, %zu receipts before, restart %s%s\n",
        i + 1, plan.size(), r.fault.syscall.c_str(), r.fault.nth, r.fault.fault.c_str(),
        r.injected ? "injected" : "not reached", r.faulted_run.c_str(), r.receipts_faulted,
        r.restart.c_str(), r.passed ? "" : "  FAILED");
    if (!r.start_error.empty())
      std::printf("[syscall-faults]       refused: %s\n", r.start_error.c_str());
    std::fflush(stdout);
    results.push_back(r);
  }
  std::printf("[syscall-faults] %zu cases, %zu injected, %zu refused to start with the fault\n",
              results.size(), injected, refused_at_start);
  EXPECT_GT(injected, 0u) << "no fault was injected: the trace filter matched nothing";

  std::vector<FaultOutcome> outcomes;
  for (const auto& r : results) outcomes.push_back({r.fault, r.injected, r.passed});
  WriteFaultResults(outcomes);
}

}  // namespace
}  // namespace acta::testing::chaos
