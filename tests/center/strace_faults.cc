#include "tests/center/strace_faults.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace acta::testing::chaos {

bool StraceWorks() {
  return std::system("strace -f -qq -o /dev/null /bin/true >/dev/null 2>&1") == 0;
}

std::string Describe(const FaultCase& f) {
  return f.syscall + " call " + std::to_string(f.nth) + " -> " + f.fault;
}

std::vector<std::string> StraceWrapper(const std::vector<std::string>& paths,
                                       const std::vector<std::string>& syscalls,
                                       const std::string& trace_out, const FaultCase* fault) {
  std::vector<std::string> w = {"/usr/bin/strace", "-f", "-qq", "-o", trace_out};
  if (fault == nullptr || fault->fault != "KILL") w.push_back("--seccomp-bpf");
  for (const auto& p : paths) {
    w.push_back("-P");
    w.push_back(p);
  }
  std::string set;
  for (const auto& s : syscalls) set += (set.empty() ? "" : ",") + s;
  w.push_back("-e");
  w.push_back("trace=" + set);
  if (fault != nullptr) {
    const std::string action = fault->fault == "KILL" ? "signal=SIGKILL" : "error=" + fault->fault;
    w.push_back("-e");
    w.push_back("inject=" + fault->syscall + ":" + action + ":when=" + std::to_string(fault->nth));
  }
  return w;
}

std::map<std::string, int> MostCallsPerThread(const std::string& trace) {
  std::map<std::pair<std::string, std::string>, int> per_thread;
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string tid, call;
    words >> tid >> call;
    const auto paren = call.find('(');
    if (paren == std::string::npos) continue;  // "<... resumed>" and exits
    ++per_thread[{tid, call.substr(0, paren)}];
  }
  std::map<std::string, int> most;
  for (const auto& [key, n] : per_thread) most[key.second] = std::max(most[key.second], n);
  return most;
}

std::vector<FaultCase> PlanFaultCases(const std::map<std::string, int>& counts,
                                      const std::vector<std::string>& syscalls) {
  const char* mode = std::getenv("ACTA_SYSCALL_FAULTS");
  const bool full = mode && std::string(mode) == "full";
  int step = 0;
  if (const char* s = std::getenv("ACTA_SYSCALL_STEP")) step = std::max(1, std::atoi(s));
  std::vector<FaultCase> plan;
  int salt = 0;
  for (const auto& syscall : syscalls) {
    auto it = counts.find(syscall);
    if (it == counts.end() || it->second == 0) continue;
    const int n = it->second;
    for (const auto& fault : kFaults) {
      ++salt;
      if (full || step > 0) {
        for (int k = 1; k <= n; k += full ? 1 : step) plan.push_back({syscall, fault, k});
      } else {
        // Two N per (syscall, fault), one in each half of 1..n, so that the
        // early calls (opening, schema) and the late ones (commits,
        // shutdown) both get hit; which ones varies with the salt.
        const int half = std::max(1, n / 2);
        const int early = 1 + (salt * 7919) % half;
        const int late = std::min(n, half + 1 + (salt * 104729) % std::max(1, n - half));
        plan.push_back({syscall, fault, early});
        if (late != early) plan.push_back({syscall, fault, late});
      }
    }
  }
  return plan;
}

void WriteFaultResults(const std::vector<FaultOutcome>& outcomes) {
  const char* out = std::getenv("ACTA_SYSCALL_OUT");
  if (out == nullptr) return;
  std::map<std::string, nlohmann::json> by_call;
  for (const auto& r : outcomes) {
    auto& row = by_call[r.fault.syscall + "/" + r.fault.fault];
    row["syscall"] = r.fault.syscall;
    row["fault"] = r.fault.fault;
    row["cases"] = row.value("cases", 0) + 1;
    row["injected"] = row.value("injected", 0) + (r.injected ? 1 : 0);
    row["passed"] = row.value("passed", 0) + (r.passed ? 1 : 0);
    row["max_n"] = std::max(row.value("max_n", 0), r.fault.nth);
  }
  nlohmann::json rows = nlohmann::json::array();
  for (auto& [k, row] : by_call) rows.push_back(row);
  std::ofstream(out) << nlohmann::json{{"rows", rows}}.dump(2) << "\n";
}

int FailedParts() {
  const auto* result = ::testing::UnitTest::GetInstance()->current_test_info()->result();
  int failed = 0;
  for (int i = 0; i < result->total_part_count(); ++i) {
    failed += result->GetTestPartResult(i).failed() ? 1 : 0;
  }
  return failed;
}

}  // namespace acta::testing::chaos
