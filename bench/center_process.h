// An `acta center` run as a child process, so a benchmark can kill it with
// SIGKILL like a host dying, and the failover measurement built on it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "bench/bench_election.h"
#include "bench/load_generator.h"

namespace acta::bench {

class CenterProcess {
 public:
  // Starts `acta center` (listeners on 127.0.0.1 port 0, then
  // `extra_args`) and waits, at most 30 s, for the two URLs it prints. The
  // child inherits the calling thread's CPU affinity. Exits the benchmark on
  // failure.
  CenterProcess(const std::string& acta_binary, const std::string& election_dir,
                const std::string& db_url, const std::string& key_file,
                const std::vector<std::string>& extra_args = {});
  ~CenterProcess();  // SIGKILL if still running
  CenterProcess(const CenterProcess&) = delete;
  CenterProcess& operator=(const CenterProcess&) = delete;

  uint16_t ingest_port() const { return ingest_port_; }
  uint16_t public_port() const { return public_port_; }
  pid_t pid() const { return pid_; }
  void Kill();       // SIGKILL and reap
  void Terminate();  // SIGTERM (graceful) and reap, SIGKILL after 30 s

  // A counter or gauge from GET /metrics (no labels), or nullopt.
  std::optional<double> Metric(const std::string& name) const;

 private:
  void Reap(int timeout_ms);
  pid_t pid_ = -1;
  uint16_t ingest_port_ = 0;
  uint16_t public_port_ = 0;
};

// Two centers on one PostgreSQL database; `kills` times: the follower takes
// paced terminal load, the leader is SIGKILLed, and the time until the
// follower has signed a checkpoint of its own is recorded; the killed node
// is restarted (it follows) and the roles swap. Returns the times in
// seconds (fewer when a round could not be measured; reasons on stderr).
std::vector<double> MeasureFailovers(const std::string& acta_binary, const BenchElection& e,
                                     const std::string& db_url,
                                     const std::vector<PreparedRequest>& requests, int kills);

}  // namespace acta::bench
