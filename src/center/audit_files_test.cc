#include "center/audit_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "core/testing/manifest_fixtures.h"

namespace acta::center {
namespace {

namespace fs = std::filesystem;

std::string Body(const http::Response& r) { return std::string(r.body.begin(), r.body.end()); }

class AuditFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = acta::testing::TestDir();
    Put("president/audit.json", "{\"format\":\"acta-audit-v1\"}\n");
    Put("president/round-1/sample.csv", "draw,hash,value,table,region\n");
    Put("president/round-12/teams.txt", "list\n");
    Put("mayor/reported.csv", "no audit.json here\n");
    Put("secret.txt", "outside every audit\n");
  }
  void Put(const std::string& rel, const std::string& text) {
    fs::create_directories((fs::path(root_) / rel).parent_path());
    ASSERT_TRUE(WriteFileAtomic((fs::path(root_) / rel).string(), AsBytes(text)).has_value());
  }
  std::string root_;
};

TEST_F(AuditFilesTest, IndexListsDirectoriesWithAnAuditJson) {
  const http::Response r = ServeAuditFile(root_, "index.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), "{\"audits\":[\"president\"]}\n");
  EXPECT_EQ(Body(ServeAuditFile("", "index.json")), "{\"audits\":[]}\n");
}

TEST_F(AuditFilesTest, ServesTheAuditFilesWithTheirTypes) {
  http::Response r = ServeAuditFile(root_, "president/audit.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Body(r), "{\"format\":\"acta-audit-v1\"}\n");
  r = ServeAuditFile(root_, "president/round-1/sample.csv");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(ServeAuditFile(root_, "president/round-12/teams.txt").status, 200);
  EXPECT_EQ(ServeAuditFile(root_, "president/round-2/sample.csv").status, 404);  // absent
}

TEST_F(AuditFilesTest, NothingElseCanBeRead) {
  for (const char* path :
       {"secret.txt", "president/../secret.txt", "../secret.txt",
        "president/round-1/../../secret.txt", "president/secret.txt", ".hidden/audit.json",
        "president/round-01/sample.csv", "president/round-/sample.csv",
        "president/round-1/other.csv", "president", "", "president/round-1x/sample.csv",
        "/etc/passwd", "president//audit.json"}) {
    EXPECT_EQ(ServeAuditFile(root_, path).status, 404) << path;
  }
  EXPECT_EQ(ServeAuditFile("", "president/audit.json").status, 404);
}

}  // namespace
}  // namespace acta::center
