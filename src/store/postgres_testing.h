// Helpers for tests that need PostgreSQL: the throwaway cluster that ctest
// starts (fixture "postgres", scripts/pg-test-cluster.sh), a fresh database
// per test, raw SQL as an operator would run it, and private clusters for
// tests that stop the server.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace acta::store::testing {

// The cluster URL ("postgres://acta@127.0.0.1:PORT/postgres") read from
// ACTA_PG_URL_FILE (overridable with the environment variable of that
// name). Fails the current test with a message saying how to start the
// cluster, and returns "", if the file is missing.
std::string PgClusterUrl();

// `url` with its database name replaced by `dbname`.
std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname);

// CREATE DATABASE with a name unique to this process; returns its URL, or ""
// after failing the current test.
std::string CreatePgDatabase();
// DROP DATABASE ... WITH (FORCE) for a URL CreatePgDatabase returned.
void DropPgDatabase(const std::string& url);

// Runs `sql` (no parameters, no rows) on a new connection to `url`.
[[nodiscard]] Status PgExec(const std::string& url, const std::string& sql);
// Runs `sql` and returns the first column of the first row as an integer.
[[nodiscard]] Result<int64_t> PgInt(const std::string& url, const std::string& sql);

// A cluster of its own for tests that stop and restart the server.
class PrivatePgCluster {
 public:
  PrivatePgCluster();   // starts it; on failure ok() is false (test failed)
  ~PrivatePgCluster();  // stops it and removes its directory
  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  // Stops (Down) or starts again (Up) the server, keeping its data and port.
  bool Down();
  bool Up();

 private:
  bool Run(const char* command);
  std::string dir_;
  std::string url_;
};

}  // namespace acta::store::testing
