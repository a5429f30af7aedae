// Runs the Store conformance suite against the SQLite backend. A PostgreSQL
// instantiation will sit in its own file with its own StoreBackend.
#include "store/store_conformance.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "store/sqlite_connection.h"

namespace acta::store::testing {
namespace {

constexpr std::string_view kScheme = "sqlite:";

std::string PathOf(const std::string& url) { return url.substr(kScheme.size()); }

StoreBackend SqliteBackend() {
  StoreBackend backend;
  backend.name = "Sqlite";
  backend.create = [] {
    std::string dir = (std::filesystem::path(::testing::TempDir()) / "acta_store_XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << dir;
    return std::string(kScheme) + dir + "/store.db";
  };
  backend.destroy = [](const std::string& url) {
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(PathOf(url)).parent_path(), ignored);
  };
  backend.set_schema_version = [](const std::string& url, int64_t version) {
    auto db = sqlite::Connection::Open(PathOf(url), /*read_only=*/false, 1000);
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    auto status =
        (*db)->Exec(("UPDATE schema_version SET version = " + std::to_string(version)).c_str());
    ASSERT_TRUE(status.has_value()) << status.error().ToString();
  };
  return backend;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(SqliteBackend()),
                         BackendName);

}  // namespace
}  // namespace acta::store::testing
