// A real `acta center` process for the chaos tests (tests/center/chaos_test.cc):
// started with fork/exec of the built binary so that SIGKILL is a real crash
// (no destructor, no final checkpoint, sockets and PostgreSQL sessions torn
// down by the kernel), and restartable on the same ports so terminals keep
// their URLs.
//
// Thread-safety: none; one test thread drives a NodeProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace acta::testing::chaos {

// A loopback TCP port that was free a moment ago (bound to port 0, then
// closed). Another process may take it before we bind it again; the
// listeners set SO_REUSEADDR, so a restart on the same port works.
uint16_t PickFreePort();

// Runs `acta args...` to completion with stdout and stderr into `log_path`;
// returns its exit code (128 + signal), or -1 if it did not finish within
// `timeout` (it is then killed) or could not start.
int RunActa(const std::vector<std::string>& args, const std::string& log_path,
            std::chrono::milliseconds timeout);

struct NodeConfig {
  std::string name;          // "node1": names the log files
  std::string election_dir;  // --election
  std::string db_url;        // --db
  std::string key_file;      // --key
  std::string log_dir;       // where <name>-<incarnation>.{out,err} go
  // --batch-delay-ms. Short batches (the default 250 is production's) mean
  // more checkpoints per second, so more moments at which a kill can land
  // between "stored" and "published".
  int batch_delay_ms = 50;
  // More `acta center` flags (e.g. --require-sync-standby for the HA runs).
  std::vector<std::string> extra_args;
  // A command that runs `acta center` (e.g. strace with fault injection, the
  // syscall fault test): wrapper[0] is executed with the rest of wrapper,
  // then the acta binary and its arguments.
  std::vector<std::string> wrapper;
};

class NodeProcess {
 public:
  // Picks the node's two ports; starts nothing.
  explicit NodeProcess(NodeConfig config);
  ~NodeProcess();  // SIGKILLs a process still running
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Spawns `acta center` and waits (at most `timeout`) until it printed its
  // listener URLs. Errors: kUnavailable with the exit status and the tail
  // of its stderr if it exited or did not become ready in time (it is then
  // killed).
  [[nodiscard]] Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL of the node's whole process group (the node and its wrapper)
  // and reap. No-op if not running.
  void Kill();
  // SIGTERM and wait at most `timeout` for a graceful exit; returns the
  // exit code (128 + signal if killed by one), or -1 after a timeout (then
  // it is SIGKILLed).
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Whether the process still runs (reaps it if it exited by itself).
  bool Running();

  const std::string& name() const { return config_.name; }
  std::string ingest_url() const;
  std::string public_url() const;
  // The log files of the current (or last) incarnation.
  std::string out_path() const;
  std::string err_path() const;
  // The ends of both, for failure messages.
  std::string LogTail(size_t max_bytes = 1500) const;

 private:
  NodeConfig config_;
  uint16_t ingest_port_;
  uint16_t public_port_;
  pid_t pid_ = -1;
  int incarnation_ = 0;
};

}  // namespace acta::testing::chaos
