#include "tests/center/chaos_pg.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace acta::testing::chaos {
namespace {

std::string Script() { return std::string(ACTA_SOURCE_DIR) + "/scripts/pg-test-cluster.sh"; }

std::string PgCtl() {
  const char* bin = getenv("PG_BIN");
  return std::string(bin != nullptr ? bin : "/usr/lib/postgresql/15/bin") + "/pg_ctl";
}

}  // namespace

PgTestCluster::PgTestCluster() {
  // Short: the unix socket path inside it must fit in sun_path.
  dir_ = "/tmp/acta_chaos_pg_XXXXXX";
  if (mkdtemp(dir_.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << dir_;
    dir_.clear();
    return;
  }
  if (!Run(Script() + " start " + dir_ + " >/dev/null")) return;
  std::ifstream in(dir_ + "/url");
  std::getline(in, url_);
  EXPECT_FALSE(url_.empty()) << "no url in " << dir_;
}

PgTestCluster::~PgTestCluster() {
  if (!dir_.empty()) Run(Script() + " stop " + dir_ + " >/dev/null 2>&1 || rm -rf " + dir_);
}

bool PgTestCluster::Stop(const char* mode) {
  // As root the server runs as "postgres" (see the script), and so must pg_ctl.
  const std::string owner = getuid() == 0 ? "runuser -u postgres -- " : "";
  return Run(owner + PgCtl() + " -D " + dir_ + "/data -m " + mode + " -w -t 60 stop >/dev/null");
}

bool PgTestCluster::Start() { return Run(Script() + " up " + dir_ + " >/dev/null"); }

bool PgTestCluster::Run(const std::string& command) {
  const int rc = system(command.c_str());
  EXPECT_EQ(rc, 0) << command << " failed";
  return rc == 0;
}

}  // namespace acta::testing::chaos
