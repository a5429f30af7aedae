// The SQLite sequencer lease: one center process per SQLite file.
#include "store/sequencer_lease.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace acta::store {
namespace {

Hash256 Election() {
  Hash256 id;
  id.fill(0xA1);
  return id;
}

class SqliteLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) / "acta_lease_XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    url_ = "sqlite:" + dir_ + "/store.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SequencerLease> Lease() {
    auto lease = OpenLease(url_, Election());
    EXPECT_TRUE(lease.has_value()) << lease.error().ToString();
    return lease ? std::move(*lease) : nullptr;
  }

  std::string dir_;
  std::string url_;
};

TEST_F(SqliteLeaseTest, SecondHolderIsRefusedUntilRelease) {
  auto a = Lease();
  auto b = Lease();
  ASSERT_TRUE(a && b);
  auto got = a->TryAcquire();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_TRUE(*got);
  EXPECT_TRUE(a->StillHeld());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/store.db.lock"));
  got = b->TryAcquire();
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_FALSE(*got);
  EXPECT_FALSE(b->StillHeld());
  EXPECT_EQ(b->Describe(),
            "flock on " + dir_ + "/store.db.lock (held by pid " + std::to_string(getpid()) + ")");
  a->Release();
  EXPECT_FALSE(a->StillHeld());
  got = b->TryAcquire();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got);
  b.reset();  // destruction releases too
  got = a->TryAcquire();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got);
}

TEST_F(SqliteLeaseTest, AnotherProcessIsRefusedAndTakesOverWhenTheHolderDies) {
  auto a = Lease();
  ASSERT_TRUE(a);
  auto got = a->TryAcquire();
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(*got);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A second center process: its lease must be refused.
    auto lease = OpenLease(url_, Election());
    if (!lease) _exit(3);
    auto r = (*lease)->TryAcquire();
    _exit(!r ? 2 : (*r ? 1 : 0));
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  a.reset();  // the holder goes away
  child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lease = OpenLease(url_, Election());
    if (!lease) _exit(3);
    auto r = (*lease)->TryAcquire();
    _exit(!r ? 2 : (*r ? 0 : 1));
  }
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

TEST(OpenLeaseTest, RejectsUnknownSchemesAndEmptyPaths) {
  for (const char* url : {"mysql://localhost/acta", "/var/lib/acta/store.db", "sqlite:"}) {
    auto lease = OpenLease(url, Election());
    ASSERT_FALSE(lease.has_value()) << url;
    EXPECT_EQ(lease.error().code, ErrorCode::kInvalidArgument) << url;
  }
}

}  // namespace
}  // namespace acta::store
