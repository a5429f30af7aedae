// Issue #21, the mirror: a real `acta mirror` syncs a mirror directory from
// a center under strace, which makes the N-th call of one file syscall fail
// with EIO or ENOSPC, or kills the mirror on it. Two scenarios: the first
// sync into an empty directory, and an update of a mirror that holds an
// older checkpoint (resume, then new tiles, derived files, checkpoint).
// Then the mirror is run again without faults on the same directory.
// Checks after each case:
//   - a mirror that stops on a fault says why ("acta mirror: ..." naming the
//     file or the error);
//   - it never publishes the checkpoint after a failed write, fsync,
//     syncfs, rename, mkdir or unlink in the same run (the trace's order):
//     a checkpoint is served only over files it made durable;
//   - the restart flushes the file system first (a checkpoint renamed into
//     place before a failed directory fsync is visible already), recovers
//     (it re-derives the tree from the directory's own
//     bundles and refuses a directory that does not reproduce its
//     checkpoint, so a published checkpoint with a missing or torn file
//     fails here) and ends at the center's checkpoint, and a third run
//     finds the directory up to date.
//
// No `-P` here: the mirror writes hundreds of paths, so every call of the
// traced syscalls in the process counts, except the dynamic loader's
// openat calls, which come before main and are skipped.
//
// ctest runs two N per syscall and fault for each scenario;
// ACTA_SYSCALL_FAULTS=full sweeps every N (scripts/syscall-faults.sh).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "mirror/layout.h"
#include "tests/center/acta_process.h"
#include "tests/center/center_fixture.h"
#include "tests/center/strace_faults.h"

namespace acta::testing {
namespace {

namespace fs = std::filesystem;
using chaos::FaultCase;
using chaos::FaultOutcome;
using std::chrono::milliseconds;

// The file syscalls of a mirror's sync (publish_batch.cc, mirror.cc).
const std::vector<std::string> kSyscalls = {"openat", "write",  "fsync", "fdatasync",
                                            "syncfs", "rename", "mkdir", "unlink"};
// Calls whose failure must stop a publication (openat only when it creates
// or opens for writing; a write to stdout or stderr is not one).
const std::vector<std::string> kWriteSide = {"fsync",  "fdatasync", "syncfs",
                                             "rename", "mkdir",     "unlink"};

constexpr size_t kHeldTables = 4;  // the older checkpoint of the update scenario

struct CaseResult {
  FaultCase fault;
  std::string scenario;
  bool injected = false;
  std::string faulted_run;  // "synced", "exit N: message", "killed"
  std::string restart;
  bool passed = false;
};

// Whether a trace line is a call that writes the mirror (see kWriteSide).
bool IsWriteSide(const std::string& line) {
  std::istringstream words(line);
  std::string tid, call;
  words >> tid >> call;
  const std::string name = call.substr(0, call.find('('));
  if (name == "write") return !call.starts_with("write(1,") && !call.starts_with("write(2,");
  if (name == "openat")
    return line.find("O_WRONLY") != std::string::npos || line.find("O_CREAT") != std::string::npos;
  return std::find(kWriteSide.begin(), kWriteSide.end(), name) != kWriteSide.end();
}

class MirrorFaultTest : public CenterFixture {
 protected:
  uint32_t TableCount() const override { return 12; }

  void SetUp() override {
    if (!chaos::StraceWorks()) GTEST_SKIP() << "strace cannot trace here (no ptrace permission?)";
    CenterFixture::SetUp();
  }

  // The truth actas of tables [from, to), then a checkpoint of size `to`.
  void SubmitTruth(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      auto r = Submit(TruthActa(i).bytes, true);
      ASSERT_TRUE(r.status == 201 || r.status == 200) << r.status;
    }
    WaitForLogSize(to);
  }

  std::string CenterUrl() const {
    return "http://127.0.0.1:" + std::to_string(center_->public_port());
  }

  // One `acta mirror` sync of `out` (behind `wrapper`); the exit code, its
  // output in `log`.
  int Sync(const std::string& out, const std::string& log,
           const std::vector<std::string>& wrapper = {}) {
    return chaos::RunActa(
        {"mirror", "--center", CenterUrl(), "--out", out, "--web-root", "none", "--quiet"}, log,
        milliseconds(60'000), wrapper);
  }

  // The directory a scenario starts from (empty, or the mirror of the
  // older checkpoint).
  void Prepare(const std::string& scenario, const std::string& out) {
    fs::remove_all(out);
    if (scenario == "update") fs::copy(held_dir_, out, fs::copy_options::recursive);
  }

  // openat calls before main() (the dynamic loader's): the first openat of
  // the mirror's own directory comes after them.
  static int LoaderOpenats(const std::string& trace, const std::string& out) {
    std::istringstream in(trace);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find(" openat(") == std::string::npos) continue;
      if (line.find(out) != std::string::npos) return n;
      ++n;
    }
    return 0;
  }

  std::map<std::string, int> CountCalls(const std::string& scenario, int& loader_openats) {
    const std::string work = dir_.string() + "/count-" + scenario;
    const std::string out = work + "/mirror";
    fs::create_directories(work);
    Prepare(scenario, out);
    const std::string trace = work + "/trace.txt";
    const int code = Sync(out, work + "/sync.log", chaos::StraceWrapper({}, kSyscalls, trace));
    EXPECT_EQ(code, 0) << chaos::Slurp(work + "/sync.log");
    const std::string t = chaos::Slurp(trace);
    loader_openats = LoaderOpenats(t, out);
    return chaos::MostCallsPerThread(t);
  }

  CaseResult RunCase(const std::string& scenario, const FaultCase& f, int index) {
    CaseResult r;
    r.fault = f;
    r.scenario = scenario;
    const int failed_before = chaos::FailedParts();
    const std::string work = dir_.string() + "/case-" + std::to_string(index);
    const std::string out = work + "/mirror";
    fs::create_directories(work);
    Prepare(scenario, out);
    const std::string trace = work + "/trace.txt";
    const std::string log = work + "/faulted.log";
    const std::string what = scenario + ": " + chaos::Describe(f);
    const int code = Sync(out, log, chaos::StraceWrapper({}, kSyscalls, trace, &f));
    const std::string t = chaos::Slurp(trace);
    const std::string said = chaos::Slurp(log);
    r.injected = t.find("(INJECTED)") != std::string::npos || code == 128 + 9;
    if (code == 0) {
      r.faulted_run = "synced";
    } else if (code == 128 + 9) {
      r.faulted_run = "killed";
    } else {
      r.faulted_run = "exit " + std::to_string(code) + ": " + said.substr(0, said.find('\n'));
      // A mirror that stops says why: the file or the error.
      EXPECT_NE(said.find("acta mirror: "), std::string::npos) << what << ": " << said;
      EXPECT_TRUE(said.find(out) != std::string::npos ||
                  said.find("Input/output error") != std::string::npos ||
                  said.find("No space left on device") != std::string::npos)
          << what << ": the message names neither a file nor the error: " << said;
    }

    // The trace in order: no checkpoint published after a failed write.
    {
      std::istringstream in(t);
      std::string failed_write;
      for (std::string line; std::getline(in, line);) {
        if (line.find("(INJECTED)") != std::string::npos && f.fault != "KILL" && IsWriteSide(line))
          failed_write = line;
        if (line.find(", \"" + out + "/" + mirror::kCheckpoint + "\") = 0") != std::string::npos) {
          EXPECT_TRUE(failed_write.empty())
              << what << ": published the checkpoint after a failed call: " << failed_write;
        }
      }
      if (!failed_write.empty()) {
        EXPECT_NE(code, 0) << what << ": a failed write was not reported: " << failed_write;
      }
    }

    // The same directory, no faults: it recovers and catches up, after
    // making durable what the faulted run had already renamed into place.
    const std::string restart_trace = work + "/restart-trace.txt";
    const int again = Sync(out, work + "/restart.log",
                           chaos::StraceWrapper({}, {"syncfs", "rename"}, restart_trace));
    if (again != 0) {
      r.restart = "refused: " + chaos::Slurp(work + "/restart.log");
      ADD_FAILURE() << what << ": the mirror did not recover after the fault: " << r.restart;
      return r;
    }
    r.restart = "recovered";
    const std::string rt = chaos::Slurp(restart_trace);
    EXPECT_LT(rt.find(" syncfs("), rt.find(" rename("))
        << what << ": the restart did not flush the directory before publishing anything";
    EXPECT_EQ(chaos::Slurp(out + "/" + mirror::kCheckpoint), checkpoint_)
        << what << ": not at the center's checkpoint after the restart";
    // A third run re-derives the tree from the directory and must find it
    // complete and up to date.
    EXPECT_EQ(Sync(out, work + "/check.log"), 0) << what << chaos::Slurp(work + "/check.log");
    EXPECT_NE(chaos::Slurp(work + "/check.log").find("up to date at size"), std::string::npos)
        << what << chaos::Slurp(work + "/check.log");
    r.passed = chaos::FailedParts() == failed_before;
    if (r.passed) fs::remove_all(work);
    return r;
  }

  std::string held_dir_;
  std::string checkpoint_;  // the center's, after every table
};

TEST_F(MirrorFaultTest, NeverServesACheckpointItHasNotStored) {
  // The older checkpoint a mirror holds in the update scenario.
  SubmitTruth(0, kHeldTables);
  held_dir_ = dir_.string() + "/held";
  ASSERT_EQ(Sync(held_dir_, dir_.string() + "/held.log"), 0)
      << chaos::Slurp(dir_.string() + "/held.log");
  SubmitTruth(kHeldTables, TableCount());
  checkpoint_ = std::string(Get("/checkpoint").BodyText());

  std::vector<FaultOutcome> outcomes;
  size_t injected = 0, index = 0;
  for (const std::string scenario : {"first", "update"}) {
    int loader = 0;
    const auto counts = CountCalls(scenario, loader);
    ASSERT_FALSE(HasFailure()) << "the clean counting run failed";
    std::string summary;
    for (const auto& [call, n] : counts) summary += " " + call + "=" + std::to_string(n);
    std::printf(
        "[mirror-faults] %s: calls per thread in a clean run:%s (openat after the %d of "
        "the loader)\n",
        scenario.c_str(), summary.c_str(), loader);
    ASSERT_GT(counts.count("rename"), 0u) << "no renames traced";
    auto after_loader = counts;
    if (after_loader.count("openat")) after_loader["openat"] -= loader;
    auto plan = chaos::PlanFaultCases(after_loader, kSyscalls);
    for (auto& f : plan) {
      if (f.syscall == "openat") f.nth += loader;
    }
    for (size_t i = 0; i < plan.size(); ++i, ++index) {
      const auto r = RunCase(scenario, plan[i], static_cast<int>(index));
      injected += r.injected ? 1 : 0;
      std::printf("[mirror-faults] %-6s %3zu/%zu %-9s #%-4d %-6s %-11s %s; restart %s%s\n",
                  scenario.c_str(), i + 1, plan.size(), r.fault.syscall.c_str(), r.fault.nth,
                  r.fault.fault.c_str(), r.injected ? "injected" : "not reached",
                  r.faulted_run.c_str(), r.restart.c_str(), r.passed ? "" : "  FAILED");
      std::fflush(stdout);
      outcomes.push_back({r.fault, r.injected, r.passed});
    }
  }
  std::printf("[mirror-faults] %zu cases, %zu injected\n", outcomes.size(), injected);
  EXPECT_GT(injected, 0u) << "no fault was injected";
  chaos::WriteFaultResults(outcomes);
}

}  // namespace
}  // namespace acta::testing
