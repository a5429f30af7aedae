// CPU clocks and core pinning for the CPU-per-operation benchmarks. On a
// shared machine other jobs stretch wall time but hardly the CPU time an
// operation takes, so figures judged against the signature limit compare
// CPU time; pinning keeps a load generator off the core of the process it
// measures.
#pragma once

#include <sched.h>
#include <time.h>

#include <fstream>
#include <vector>

namespace acta::bench {

inline double CpuClockSeconds(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
// This thread's CPU time (user + system).
inline double ThreadCpuSeconds() { return CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID); }
// This process's CPU time, all threads (user + system).
inline double ProcessCpuSeconds() { return CpuClockSeconds(CLOCK_PROCESS_CPUTIME_ID); }

// The CPUs the calling thread may run on, in increasing order.
inline std::vector<int> AllowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) out.push_back(cpu);
  }
  return out;
}

// Pins the calling thread to `cpu`; threads and processes it starts
// afterwards inherit the pin. False when the kernel refuses.
inline bool PinThisThread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::sched_setaffinity(0, sizeof set, &set) == 0;
}

// The machine's 1-minute load average (0 if unreadable), noted beside
// figures from a shared machine.
inline double LoadAverage() {
  std::ifstream f("/proc/loadavg");
  double one = 0;
  f >> one;
  return one;
}

}  // namespace acta::bench
