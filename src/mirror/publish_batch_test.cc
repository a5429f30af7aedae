#include "mirror/publish_batch.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>

#include "core/file.h"
#include "mirror/gzip.h"

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

// gunzip with zlib (windowBits 15 + 32: gzip header detected).
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return "<inflateInit2>";
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "<inflate " + std::to_string(rc) + ">";
}

TEST_F(PublishBatchTest, ACompressibleFileGetsItsGzipAndAShorterOneRemovesIt) {
  const std::string long_text(5000, 'a');
  PublishBatch batch(root_);
  ASSERT_TRUE(batch.AddCompressible("v1/bulletin", long_text));
  ASSERT_TRUE(batch.AddCompressible("v1/small", std::string_view("{}")));
  ASSERT_TRUE(batch.Commit());
  EXPECT_EQ(Read("v1/bulletin"), long_text);
  EXPECT_EQ(Gunzip(Read("v1/bulletin.gz")), long_text);
  EXPECT_LT(Read("v1/bulletin.gz").size(), 100u);
  EXPECT_FALSE(fs::exists(root_ + "/v1/small.gz"));

  // The same bytes give the same .gz (no time or name in the header).
  auto again = Gzip(AsBytes(long_text));
  ASSERT_TRUE(again);
  EXPECT_EQ(std::string(AsChars(*again)), Read("v1/bulletin.gz"));

  ASSERT_TRUE(batch.AddCompressible("v1/bulletin", std::string_view("{\"short\":1}")));
  ASSERT_TRUE(batch.Commit());
  EXPECT_EQ(Read("v1/bulletin"), "{\"short\":1}");
  EXPECT_FALSE(fs::exists(root_ + "/v1/bulletin.gz")) << "a stale .gz would be served";
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
