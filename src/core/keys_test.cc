#include "core/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/file.h"

namespace acta {
namespace {

// The published golang.org/x/mod/sumdb/note example key.
constexpr char kPeterVerifier[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterSigner[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

TEST(KeysTest, ParsesPublishedNoteKeys) {
  auto v = VerifierKey::Parse(kPeterVerifier);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->name, "PeterNeumann");
  EXPECT_EQ(v->key_id, 0xc74f20a3u);
  EXPECT_EQ(v->ToString(), kPeterVerifier);
  auto s = NamedSigningKey::Parse(kPeterSigner);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->key.public_key(), v->key);
  EXPECT_EQ(s->ToString(), kPeterSigner);
  EXPECT_EQ(s->verifier().ToString(), kPeterVerifier);
}

TEST(KeysTest, RejectsMalformed) {
  EXPECT_EQ(VerifierKey::Parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .error()
                .message,
            "verifier key: key id does not match name and key");
  EXPECT_FALSE(VerifierKey::Parse("PeterNeumann+c74f20a3"));
  EXPECT_FALSE(VerifierKey::Parse("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(VerifierKey::Parse("PeterNeumann+c74f20a3+AhpcAA=="));
  EXPECT_EQ(NamedSigningKey::Parse(kPeterVerifier).error().message,
            "signer key: must start with PRIVATE+KEY+");
}

TEST(KeysTest, KeyFileIsPrivateAndNotOverwritten) {
  auto dir = std::filesystem::temp_directory_path() / ("acta-keys-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "center.key").string();
  auto key = NamedSigningKey::From("center-1", Seed{7});
  ASSERT_TRUE(WriteSigningKeyFile(path, key));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(WriteSigningKeyFile(path, key).error().code, ErrorCode::kAlreadyExists);
  auto loaded = LoadSigningKeyFile(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->key.public_key(), key.key.public_key());
  // World-readable still loads (with a warning on the log).
  ::chmod(path.c_str(), 0644);
  EXPECT_TRUE(LoadSigningKeyFile(path));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace acta
