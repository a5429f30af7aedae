// A real `acta <service>` process for the process tests (the chaos, HA and
// syscall fault tests): started with posix_spawn of the built binary, in a
// process group of its own, so that SIGKILL is a real crash (no destructor,
// sockets torn down by the kernel), optionally behind a wrapper command
// (strace with fault injection). NodeProcess (chaos_node.h) runs a center
// with it; the witness fault test runs `acta witness`.
//
// Thread-safety: none; one test thread drives an ActaProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"

namespace acta::testing::chaos {

struct ProcessConfig {
  std::string name;     // "node1": names the log files
  std::string log_dir;  // where <name>-<incarnation>.{out,err} go
  // A command that runs acta (e.g. strace with fault injection): wrapper[0]
  // is executed with the rest of wrapper, then the acta binary and its
  // arguments.
  std::vector<std::string> wrapper;
};

class ActaProcess {
 public:
  explicit ActaProcess(ProcessConfig config) : config_(std::move(config)) {}
  ~ActaProcess();  // SIGKILLs a process still running
  ActaProcess(const ActaProcess&) = delete;
  ActaProcess& operator=(const ActaProcess&) = delete;

  // Spawns `acta args...` and waits (at most `timeout`) until its stdout
  // contains `ready`. Errors: kUnavailable with the exit status and the
  // tail of its logs if it exited or did not become ready in time (it is
  // then killed).
  [[nodiscard]] Status Start(std::vector<std::string> args, const std::string& ready,
                             std::chrono::milliseconds timeout);
  // SIGKILL of the whole process group (acta and its wrapper) and reap.
  // No-op if not running.
  void Kill();
  // SIGTERM to acta (not to a wrapper, which must keep tracing its
  // shutdown) and wait at most `timeout` for it to exit; returns the exit
  // code (128 + signal if killed by one), or -1 after a timeout (then it is
  // SIGKILLed).
  int Terminate(std::chrono::milliseconds timeout);
  // Whether the process still runs (reaps it if it exited by itself).
  bool Running();
  // The exit code of the last incarnation once it ended (128 + signal), -1
  // while it runs or if it never ran.
  int exit_code() const { return exit_code_; }

  // The log files of the current (or last) incarnation.
  std::string out_path() const;
  std::string err_path() const;
  // The ends of both, for failure messages.
  std::string LogTail(size_t max_bytes = 1500) const;
  const std::string& name() const { return config_.name; }

 private:
  void Reaped(int status);

  ProcessConfig config_;
  pid_t pid_ = -1;
  int incarnation_ = 0;
  int exit_code_ = -1;
};

// Runs `acta args...` (behind `wrapper` if not empty) to completion with
// stdout and stderr into `log_path`; returns its exit code (128 + signal),
// or -1 if it did not finish within `timeout` (it is then killed) or could
// not start.
int RunActa(const std::vector<std::string>& args, const std::string& log_path,
            std::chrono::milliseconds timeout, const std::vector<std::string>& wrapper = {});

// The whole file, empty if unreadable.
std::string Slurp(const std::string& path);

}  // namespace acta::testing::chaos
