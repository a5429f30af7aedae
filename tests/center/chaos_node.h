// A real `acta center` process for the chaos tests (tests/center/chaos_test.cc)
// on an ActaProcess (acta_process.h: SIGKILL is a real crash, no final
// checkpoint, PostgreSQL sessions torn down by the kernel), restartable on
// the same ports so terminals keep their URLs.
//
// Thread-safety: none; one test thread drives a NodeProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "tests/center/acta_process.h"

namespace acta::testing::chaos {

// A loopback TCP port that was free a moment ago (bound to port 0, then
// closed). Another process may take it before we bind it again; the
// listeners set SO_REUSEADDR, so a restart on the same port works.
uint16_t PickFreePort();

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
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Spawns `acta center` and waits (at most `timeout`) until it printed its
  // listener URLs. Errors: kUnavailable with the exit status and the tail
  // of its stderr if it exited or did not become ready in time (it is then
  // killed).
  [[nodiscard]] Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL of the node's whole process group (the node and its wrapper)
  // and reap. No-op if not running.
  void Kill() { process_.Kill(); }
  // SIGTERM and wait at most `timeout` for a graceful exit; returns the
  // exit code (128 + signal if killed by one), or -1 after a timeout (then
  // it is SIGKILLed).
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return process_.Terminate(timeout);
  }
  // Whether the process still runs (reaps it if it exited by itself).
  bool Running() { return process_.Running(); }

  const std::string& name() const { return config_.name; }
  std::string ingest_url() const;
  std::string public_url() const;
  // The log files of the current (or last) incarnation.
  std::string out_path() const { return process_.out_path(); }
  std::string err_path() const { return process_.err_path(); }
  // The ends of both, for failure messages.
  std::string LogTail(size_t max_bytes = 1500) const { return process_.LogTail(max_bytes); }

 private:
  NodeConfig config_;
  uint16_t ingest_port_;
  uint16_t public_port_;
  ActaProcess process_;
};

}  // namespace acta::testing::chaos
