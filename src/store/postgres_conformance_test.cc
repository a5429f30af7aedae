// Runs the Store conformance suite against the PostgreSQL backend, each test
// on a database of its own in the throwaway cluster ctest starts.
#include "store/postgres_testing.h"
#include "store/store_conformance.h"

namespace acta::store::testing {
namespace {

StoreBackend PostgresBackend() {
  StoreBackend backend;
  backend.name = "Postgres";
  backend.create = [] { return CreatePgDatabase(); };
  backend.destroy = [](const std::string& url) { DropPgDatabase(url); };
  backend.set_schema_version = [](const std::string& url, int64_t version) {
    auto status = PgExec(url, "UPDATE schema_version SET version = " + std::to_string(version));
    ASSERT_TRUE(status.has_value()) << status.error().ToString();
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace acta::store::testing
