// The pieces shared by the syscall fault tests of issue #21 (the center,
// the witness and the mirror): an strace command line that traces a
// service's file syscalls and makes the N-th call of one of them fail with
// EIO or ENOSPC or kill the process, the count of each call in a clean
// run's trace, the plan of cases, and the results table written for
// scripts/syscall-faults.sh (bench/report.py).
//
// strace's `when=N` counts per thread, so "the N-th call" is the N-th call
// of that syscall in each thread of the service.
//
// Environment (read by PlanFaultCases and WriteFaultResults):
//   ACTA_SYSCALL_FAULTS=full  every N up to the count of a clean run
//   ACTA_SYSCALL_STEP=k       every k-th N
//   (neither)                 two N per syscall and fault (the ctest sample)
//   ACTA_SYSCALL_OUT=FILE     the results as JSON rows
#pragma once

#include <map>
#include <string>
#include <vector>

namespace acta::testing::chaos {

inline const std::vector<std::string> kFaults = {"EIO", "ENOSPC", "KILL"};

struct FaultCase {
  std::string syscall;
  std::string fault;  // one of kFaults
  int nth = 0;
};

struct FaultOutcome {
  FaultCase fault;
  bool injected = false;  // the N-th call happened
  bool passed = false;
};

// Whether strace can trace here (ptrace may be forbidden in a container).
bool StraceWorks();

// "pwrite64 call 7 -> EIO", for failure messages.
std::string Describe(const FaultCase& f);

// strace -f writing its trace to `trace_out`, tracing `syscalls` (only on
// `paths`, exact paths and fds open on them, when not empty) and, when
// `fault` is given, injecting it. With `seccomp` the traced process is
// stopped only on the traced syscalls, so it runs near full speed; strace
// 6.1 then never delivers an injected signal, so kill cases run without it.
std::vector<std::string> StraceWrapper(const std::vector<std::string>& paths,
                                       const std::vector<std::string>& syscalls,
                                       const std::string& trace_out,
                                       const FaultCase* fault = nullptr);

// Per syscall, the most calls any one thread made, from strace -f output
// ("<tid> <syscall>(..."; resumed halves and exits are not calls).
std::map<std::string, int> MostCallsPerThread(const std::string& trace);

// The cases for `syscalls` (in that order) with the counts of a clean run
// (see the environment above); syscalls with no calls are skipped.
std::vector<FaultCase> PlanFaultCases(const std::map<std::string, int>& counts,
                                      const std::vector<std::string>& syscalls);

// With ACTA_SYSCALL_OUT set: one row per (syscall, fault) with the number of
// cases, how many reached the fault, how many passed, and the largest N.
void WriteFaultResults(const std::vector<FaultOutcome>& outcomes);

// Failed assertions so far in the running test (a case passed when it
// added none).
int FailedParts();

}  // namespace acta::testing::chaos
