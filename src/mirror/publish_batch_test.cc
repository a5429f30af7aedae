#include "mirror/publish_batch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"

namespace acta::mirror {
namespace {

namespace fs = std::filesystem;

class PublishBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("acta-publish-" + std::to_string(::getpid()))).string();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Read(const std::string& rel) {
    auto t = ReadTextFile(root_ + "/" + rel);
    return t ? *t : "<" + t.error().message + ">";
  }
  std::string root_;
};

TEST_F(PublishBatchTest, WritesCreatesDirectoriesReplacesAndRemoves) {
  PublishBatch batch(root_);
  batch.Add("checkpoint", std::string_view("one\n"));
  batch.Add("tile/entries/x001/002", std::string_view("bundle"));
  ASSERT_TRUE(batch.Commit());
  EXPECT_EQ(batch.size(), 0u);
  EXPECT_EQ(Read("checkpoint"), "one\n");
  EXPECT_EQ(Read("tile/entries/x001/002"), "bundle");

  batch.Add("checkpoint", std::string_view("two\n"));
  batch.Remove("tile/entries/x001/002");
  batch.Remove("never/was/there");
  ASSERT_TRUE(batch.Commit());
  EXPECT_EQ(Read("checkpoint"), "two\n");
  EXPECT_FALSE(fs::exists(root_ + "/tile/entries/x001/002"));
  for (const auto& e : fs::recursive_directory_iterator(root_))
    EXPECT_FALSE(e.path().string().ends_with(kTempSuffix)) << e.path();
}

TEST_F(PublishBatchTest, ALargeBatchIsMadeDurableWithOneSyncfs) {
  PublishBatch batch(root_);
  for (int i = 0; i < 200; ++i) batch.Add("v1/tables/" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(batch.bytes(), 490u);
  ASSERT_TRUE(batch.Commit());
  EXPECT_EQ(Read("v1/tables/199"), "199");
}

TEST_F(PublishBatchTest, RefusesUnsafePathsAndWritesNothing) {
  for (const char* bad : {"../x", "a/../b", "/etc/x", "a//b", "a/", "", "./a"}) {
    PublishBatch batch(root_);
    batch.Add("fine", std::string_view("x"));
    batch.Add(bad, std::string_view("x"));
    auto st = batch.Commit();
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_FALSE(fs::exists(root_ + "/fine")) << bad;
  }
  EXPECT_TRUE(IsSafeRelativePath("v1/regions/VE-01"));
  EXPECT_FALSE(IsSafeRelativePath("v1/regions/.."));
}

}  // namespace
}  // namespace acta::mirror
