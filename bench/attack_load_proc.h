// Child processes for the attack benchmark (bench/attack_load.cc): the
// center, `acta attack`, `acta demo`, nginx and wrk each run as their own
// process so the center's CPU time and peak memory can be read from /proc
// apart from the load generator's.
//
// Thread-safety: one ChildProcess is used by one thread, except Kill and
// Usage, which may be called from another (the benchmark's watchdog).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace acta::bench {

// CPU time (user + system) and peak resident set (VmHWM) of a live process.
struct ProcUsage {
  double cpu_seconds = 0;  // user + system
  double user_seconds = 0;
  double system_seconds = 0;
  uint64_t peak_rss_kb = 0;
};
// Errors: kNotFound when the process is gone.
Result<ProcUsage> ReadProcUsage(pid_t pid);
// CPU time (user + system) of a live process and of its live children
// (nginx's master and its workers). Errors: kNotFound when `pid` is gone.
Result<double> ProcessAndChildrenCpuSeconds(pid_t pid);

class ChildProcess {
 public:
  enum class Stream { kStdout, kStderr };

  // Starts argv (argv[0] is a path, not searched) with stdout piped to the
  // parent; stderr is piped too when pipe_stderr, else appended to log_path
  // (or /dev/null when empty). Errors: kInternal when the spawn fails.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::string& log_path, bool pipe_stderr);
  // Kills (SIGKILL) and reaps the child if it still runs; joins drains.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next line (without '\n') of the stream, waiting at most `timeout`;
  // nullopt at end of stream or timeout.
  std::optional<std::string> ReadLine(Stream stream, std::chrono::milliseconds timeout);
  // Everything until end of stream, waiting at most `timeout` in total.
  std::string ReadAll(Stream stream, std::chrono::milliseconds timeout);
  // Reads the stream on a background thread until it ends, appending it to
  // log_path (discarded when empty), so the child never blocks on a full pipe.
  void DrainInBackground(Stream stream, const std::string& log_path);

  void Signal(int sig);
  // SIGKILL; safe from another thread.
  void Kill();
  // Waits for the child to exit, at most `timeout`; past it, SIGKILL and
  // reap. Returns the exit code, or 128 + signal when killed by one.
  int Wait(std::chrono::milliseconds timeout);
  // False once the child has exited (it is reaped then); never blocks.
  bool Running();

 private:
  ChildProcess() = default;
  int& Fd(Stream s) { return s == Stream::kStdout ? out_fd_ : err_fd_; }
  std::string& Buffer(Stream s) { return s == Stream::kStdout ? out_buf_ : err_buf_; }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_buf_;
  std::string err_buf_;
  std::atomic<bool> exited_{false};
  int status_ = 0;
  std::vector<std::thread> drains_;
};

}  // namespace acta::bench
