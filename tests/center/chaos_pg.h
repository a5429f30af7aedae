// A PostgreSQL cluster of the chaos test's own (scripts/pg-test-cluster.sh),
// so the server can be stopped under running center nodes, fast or
// immediately (no shutdown checkpoint: crash recovery at the next start),
// without disturbing other tests that share the ctest fixture's cluster.
//
// Thread-safety: none.
#pragma once

#include <string>

namespace acta::testing::chaos {

class PgTestCluster {
 public:
  PgTestCluster();   // starts it; ok() false (and a test failure) if it cannot
  ~PgTestCluster();  // stops it and removes its directory
  PgTestCluster(const PgTestCluster&) = delete;
  PgTestCluster& operator=(const PgTestCluster&) = delete;

  bool ok() const { return !url_.empty(); }
  // "postgres://acta@127.0.0.1:PORT/postgres"
  const std::string& url() const { return url_; }
  // pg_ctl stop -m `mode` ("smart", "fast", "immediate"), waiting for it.
  bool Stop(const char* mode);
  // Starts the stopped server again on the same port and data.
  bool Start();

 private:
  bool Run(const std::string& command);
  std::string dir_;
  std::string url_;
};

}  // namespace acta::testing::chaos
