#include "center/web_root.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace acta::center {
namespace {
namespace fs = std::filesystem;

class WebRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("acta-web-root-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::current_path(start_);
    fs::remove_all(dir_);
  }
  fs::path dir_;
  fs::path start_ = fs::current_path();
};

TEST_F(WebRootTest, RequestedDirectoryWithIndexIsUsedAsGiven) {
  std::ofstream(dir_ / "index.html") << "<!doctype html>";
  auto root = FindWebRoot(dir_.string());
  ASSERT_TRUE(root) << root.error().ToString();
  EXPECT_EQ(*root, dir_.string());
}

TEST_F(WebRootTest, RequestedDirectoryWithoutIndexIsAnErrorNamingIt) {
  auto root = FindWebRoot(dir_.string());
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(root.error().message.find(dir_.string() + " has no index.html"), std::string::npos);
}

// Started from an unrelated directory (not the repository root), the
// binary still finds the dashboard of the tree it was built from.
TEST_F(WebRootTest, DefaultDoesNotDependOnTheWorkingDirectory) {
  fs::current_path(dir_);
  auto root = FindWebRoot("");
  ASSERT_TRUE(root) << root.error().ToString();
  const fs::path built = fs::path(ACTA_SOURCE_DIR) / "web" / "dist";
  if (fs::exists(built / "index.html")) {
    EXPECT_EQ(fs::path(*root), built.lexically_normal());
  } else {
    EXPECT_EQ(*root, "");  // dashboard not built: the API alone is served
  }
}

// A web/dist under the working directory is the last resort, used only
// when neither the installed nor the build tree's dashboard exists; with
// the build tree's present, it must not shadow it.
TEST_F(WebRootTest, WorkingDirectoryCopyNeverShadowsTheBuildTree) {
  fs::create_directories(dir_ / "web" / "dist");
  std::ofstream(dir_ / "web" / "dist" / "index.html") << "<!doctype html>";
  fs::current_path(dir_);
  auto root = FindWebRoot("");
  ASSERT_TRUE(root);
  const fs::path built = fs::path(ACTA_SOURCE_DIR) / "web" / "dist";
  if (fs::exists(built / "index.html")) {
    EXPECT_EQ(fs::path(*root), built.lexically_normal());
  } else {
    EXPECT_EQ(fs::path(*root), (dir_ / "web" / "dist").lexically_normal());
  }
}

}  // namespace
}  // namespace acta::center
