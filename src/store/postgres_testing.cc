#include "store/postgres_testing.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "store/postgres_connection.h"

namespace acta::store::testing {
namespace {

std::string Script() { return std::string(ACTA_SOURCE_DIR) + "/scripts/pg-test-cluster.sh"; }

}  // namespace

std::string PgClusterUrl() {
  const char* env = getenv("ACTA_PG_URL_FILE");
  const std::string path = env != nullptr ? env : ACTA_PG_URL_FILE;
  std::ifstream in(path);
  std::string url;
  if (!in || !std::getline(in, url) || url.empty()) {
    ADD_FAILURE() << "no PostgreSQL test cluster: " << path
                  << " is missing. Run the tests through ctest (fixture \"postgres\" starts one "
                     "with scripts/pg-test-cluster.sh), or run `scripts/pg-test-cluster.sh start "
                  << std::filesystem::path(path).parent_path().string()
                  << "` first. If that fails, PostgreSQL 15 is missing or cannot start "
                     "(scripts/install-deps.sh installs postgresql-15).";
    return "";
  }
  return url;
}

std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname) {
  return url.substr(0, url.rfind('/') + 1) + dbname;
}

std::string CreatePgDatabase() {
  static std::atomic<int> counter{0};
  const std::string base = PgClusterUrl();
  if (base.empty()) return "";
  const std::string name =
      "acta_t" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
  auto status = PgExec(base, "CREATE DATABASE " + name);
  if (!status) {
    ADD_FAILURE() << "CREATE DATABASE " << name << ": " << status.error().ToString();
    return "";
  }
  return PgUrlWithDatabase(base, name);
}

void DropPgDatabase(const std::string& url) {
  if (url.empty()) return;
  const std::string name = url.substr(url.rfind('/') + 1);
  auto status =
      PgExec(PgUrlWithDatabase(url, "postgres"), "DROP DATABASE " + name + " WITH (FORCE)");
  EXPECT_TRUE(status.has_value()) << status.error().ToString();
}

Status PgExec(const std::string& url, const std::string& sql) {
  auto db = pg::Connection::Open(url);
  if (!db) return std::unexpected(std::move(db).error());
  return (*db)->Exec(sql);
}

Result<int64_t> PgInt(const std::string& url, const std::string& sql) {
  auto db = pg::Connection::Open(url);
  if (!db) return std::unexpected(std::move(db).error());
  auto rows = (*db)->Query(sql);
  if (!rows) return std::unexpected(std::move(rows).error());
  if (rows->Rows() == 0) return MakeError(ErrorCode::kNotFound, "no row");
  return rows->Int8(0, 0);
}

PrivatePgCluster::PrivatePgCluster() {
  dir_ = (std::filesystem::path(::testing::TempDir()) / "acta_pgc_XXXXXX").string();
  if (mkdtemp(dir_.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << dir_;
    dir_.clear();
    return;
  }
  if (!Run("start")) return;
  std::ifstream in(dir_ + "/url");
  std::getline(in, url_);
  EXPECT_FALSE(url_.empty()) << "no url in " << dir_;
}

PrivatePgCluster::~PrivatePgCluster() {
  if (!dir_.empty()) Run("stop");
}

bool PrivatePgCluster::Down() { return Run("down"); }
bool PrivatePgCluster::Up() { return Run("up"); }

bool PrivatePgCluster::Run(const char* command) {
  const std::string cmd = Script() + " " + command + " " + dir_ + " >/dev/null";
  const int rc = system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd << " failed";
  return rc == 0;
}

}  // namespace acta::store::testing
