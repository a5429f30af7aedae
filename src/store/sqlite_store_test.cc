// SQLite-specific behaviour that the backend-neutral conformance suite
// cannot see: URL parsing, file-level settings, and the schema's own guards.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "store/fsync_failure.h"
#include "store/open_store.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"
#include "store/store_conformance.h"

namespace acta::store {
namespace {

std::string g_fsync_report;
void RecordFsyncFailure(std::string_view what) { g_fsync_report = std::string(what); }

// A failed fsync must stop the center (fsync_failure.h); every other I/O
// error is returned to the caller, who may retry.
TEST(FsyncFailureTest, OnlyAFailedFsyncReachesTheHandler) {
  auto previous = SetFsyncFailureHandler(&RecordFsyncFailure);
  g_fsync_report.clear();
  const Error write = sqlite::SqliteError(SQLITE_IOERR_WRITE, nullptr, "COMMIT");
  EXPECT_EQ(write.code, ErrorCode::kIo);
  EXPECT_TRUE(g_fsync_report.empty()) << g_fsync_report;
  const Error fsync = sqlite::SqliteError(SQLITE_IOERR_FSYNC, nullptr, "COMMIT");
  EXPECT_EQ(fsync.code, ErrorCode::kIo);
  EXPECT_NE(g_fsync_report.find("COMMIT"), std::string::npos) << g_fsync_report;
  g_fsync_report.clear();
  sqlite::SqliteError(SQLITE_IOERR_DIR_FSYNC, nullptr, "journal");
  EXPECT_NE(g_fsync_report.find("journal"), std::string::npos);
  SetFsyncFailureHandler(previous);
}

// The default handler stops the process with its own exit status and says why.
TEST(FsyncFailureDeathTest, TheDefaultHandlerStopsTheProcess) {
  EXPECT_EXIT(ReportFsyncFailure("sqlite: COMMIT: disk I/O error on /x/store.db"),
              ::testing::ExitedWithCode(kExitFsyncFailed), "fsync failed .*store.db");
}

using testing::kElectionA;
using testing::TestActa;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) / "acta_sqlite_XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    path_ = dir_ + "/store.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs SQL on a separate raw connection, as an operator with sqlite3 would.
  Status RawExec(const std::string& sql) {
    auto db = sqlite::Connection::Open(path_, /*read_only=*/false, 1000);
    if (!db) return std::unexpected(db.error());
    return (*db)->Exec(sql.c_str());
  }
  Result<int64_t> RawInt(const std::string& sql) {
    auto db = sqlite::Connection::Open(path_, /*read_only=*/true, 1000);
    if (!db) return std::unexpected(db.error());
    auto stmt = (*db)->Prepare(sql);
    if (!stmt) return std::unexpected(stmt.error());
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return MakeError(ErrorCode::kNotFound, "no row");
    return stmt->Int(0);
  }

  std::string dir_;
  std::string path_;
};

TEST(OpenStoreTest, RejectsUnknownSchemesAndUnusablePaths) {
  ACTA_ASSERT_ERROR(OpenStore("mysql://localhost/acta"), ErrorCode::kInvalidArgument);
  ACTA_ASSERT_ERROR(OpenStore("/var/lib/acta/store.db"), ErrorCode::kInvalidArgument);
  ACTA_ASSERT_ERROR(OpenStore("sqlite:"), ErrorCode::kInvalidArgument);
  ACTA_ASSERT_ERROR(OpenStore("sqlite::memory:"), ErrorCode::kInvalidArgument);
  // PostgreSQL URLs select the PostgreSQL backend; nothing listens on port 1.
  ACTA_ASSERT_ERROR(OpenStore("postgres://acta@127.0.0.1:1/acta"), ErrorCode::kUnavailable);
  ACTA_ASSERT_ERROR(OpenStore("postgresql://127.0.0.1:1/acta"), ErrorCode::kUnavailable);
}

TEST_F(SqliteStoreTest, OpenMissingDirectoryIsAnIoError) {
  ACTA_ASSERT_ERROR(OpenStore("sqlite:" + dir_ + "/no/such/dir/store.db"), ErrorCode::kIo);
}

TEST_F(SqliteStoreTest, NonSqliteFileIsCorruption) {
  ACTA_ASSERT_OK(
      WriteFileAtomic(path_, std::string_view("this is not a database, just some text........")));
  auto store = OpenStore("sqlite:" + path_);
  if (store) {  // SQLite may only notice on first read
    ACTA_ASSERT_ERROR((*store)->Initialize(kElectionA), ErrorCode::kCorruption);
  } else {
    EXPECT_EQ(store.error().code, ErrorCode::kCorruption) << store.error().ToString();
  }
}

TEST_F(SqliteStoreTest, FileIsInWalModeWithCurrentSchemaVersion) {
  auto store = OpenStore("sqlite:" + path_);
  ACTA_ASSERT_OK(store);
  ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  auto mode = RawInt("SELECT journal_mode = 'wal' FROM pragma_journal_mode");
  ACTA_ASSERT_OK(mode);
  EXPECT_EQ(*mode, 1);
  auto version = RawInt("SELECT version FROM schema_version");
  ACTA_ASSERT_OK(version);
  EXPECT_EQ(*version, sqlite::CurrentSchemaVersion());
  auto rows = RawInt("SELECT COUNT(*) FROM schema_version");
  ACTA_ASSERT_OK(rows);
  EXPECT_EQ(*rows, 1);
}

// Schema 3 dropped the partial index of unsequenced rows: the sequencer's
// read of them is a range of the seq column's own index, in arrival order
// without a sort, and a schema-2 file loses the index when opened.
TEST_F(SqliteStoreTest, UnsequencedRowsAreARangeOfTheSeqIndex) {
  {
    auto store = OpenStore("sqlite:" + path_);
    ACTA_ASSERT_OK(store);
    ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  }
  ACTA_ASSERT_OK(
      RawExec("CREATE INDEX accepted_unsequenced ON accepted (id) WHERE seq IS NULL; "
              "UPDATE schema_version SET version = 2"));
  auto store = OpenStore("sqlite:" + path_);
  ACTA_ASSERT_OK(store);
  ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  auto left = RawInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'accepted_unsequenced'");
  ACTA_ASSERT_OK(left);
  EXPECT_EQ(*left, 0);
  auto db = sqlite::Connection::Open(path_, /*read_only=*/true, 1000);
  ACTA_ASSERT_OK(db);
  auto plan = (*db)->Prepare(
      "EXPLAIN QUERY PLAN SELECT bytes FROM accepted WHERE seq IS NULL ORDER BY id LIMIT 10");
  ACTA_ASSERT_OK(plan);
  std::string steps;
  for (;;) {
    auto row = plan->Step();
    ACTA_ASSERT_OK(row);
    if (!*row) break;
    steps += std::string(plan->Text(3)) + "\n";
  }
  EXPECT_NE(steps.find("USING INDEX sqlite_autoindex_accepted_2 (seq=?)"), std::string::npos)
      << steps;
  EXPECT_EQ(steps.find("TEMP B-TREE"), std::string::npos) << steps;
  // And the rows come back in arrival order, sequenced ones left out.
  ACTA_ASSERT_OK(
      (*store)->InsertAccepted(std::vector<AcceptedActa>{TestActa(3), TestActa(1), TestActa(2)}));
  ACTA_ASSERT_OK((*store)->Sequence(0, std::vector<Hash256>{TestActa(1).leaf_hash}, std::nullopt));
  auto rows = (*store)->LoadUnsequenced(10);
  ACTA_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], TestActa(3));
  EXPECT_EQ((*rows)[1], TestActa(2));
}

TEST_F(SqliteStoreTest, SchemaRefusesDeletesAndRewrites) {
  auto store = OpenStore("sqlite:" + path_);
  ACTA_ASSERT_OK(store);
  ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_OK((*store)->InsertAccepted({&a, 1}));
  std::vector<Hash256> leaves = {a.leaf_hash};
  ACTA_ASSERT_OK((*store)->Sequence(0, leaves, testing::TestCheckpoint(1)));

  ACTA_ASSERT_ERROR(RawExec("DELETE FROM accepted"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("UPDATE accepted SET bytes = x'00'"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("UPDATE accepted SET conflict = 1"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("UPDATE accepted SET seq = 5"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("DELETE FROM checkpoints"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("UPDATE checkpoints SET size = 0"), ErrorCode::kFailedPrecondition);
  const StoredCheckpoint cp = testing::TestCheckpoint(1);
  ACTA_ASSERT_OK((*store)->AddCosignature({cp.size, cp.root, 0, "\u2014 w AAAA\n"}));
  ACTA_ASSERT_ERROR(RawExec("DELETE FROM cosignatures"), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(RawExec("UPDATE cosignatures SET line = 'x'"), ErrorCode::kFailedPrecondition);
  auto found = (*store)->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  a.seq = 0;
  EXPECT_EQ(*found, a);
}

TEST_F(SqliteStoreTest, MalformedStoredRowIsCorruption) {
  auto store = OpenStore("sqlite:" + path_);
  ACTA_ASSERT_OK(store);
  ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_OK((*store)->InsertAccepted({&a, 1}));
  // Someone with file access bypasses the guards.
  ACTA_ASSERT_OK(RawExec("DROP TRIGGER accepted_immutable; UPDATE accepted SET receipt = x'0102'"));
  ACTA_ASSERT_ERROR((*store)->FindByLeaf(a.leaf_hash), ErrorCode::kCorruption);
  ACTA_ASSERT_ERROR((*store)->ForEachAccepted([](const AcceptedActa&) -> Status { return Ok(); }),
                    ErrorCode::kCorruption);
}

TEST_F(SqliteStoreTest, ReadersDoNotWaitForAnOpenWriteTransaction) {
  auto store = OpenStore("sqlite:" + path_);
  ACTA_ASSERT_OK(store);
  ACTA_ASSERT_OK((*store)->Initialize(kElectionA));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_OK((*store)->InsertAccepted({&a, 1}));
  // Another connection holds the write lock (as a second center would).
  auto other = sqlite::Connection::Open(path_, /*read_only=*/false, 1000);
  ACTA_ASSERT_OK(other);
  ACTA_ASSERT_OK(
      (*other)->Exec("BEGIN IMMEDIATE; INSERT INTO meta (key, value) VALUES ('x', x'00')"));
  auto found = (*store)->FindByLeaf(a.leaf_hash);  // WAL: served from the last commit
  ACTA_ASSERT_OK(found);
  EXPECT_TRUE(found->has_value());
  // A writer waits for the lock up to its busy timeout, then gives up with
  // kUnavailable (the lock is held throughout, so the outcome is certain).
  auto short_wait = SqliteStore::Open(path_, {.busy_timeout_ms = 1});
  ACTA_ASSERT_OK(short_wait);
  ACTA_ASSERT_ERROR((*short_wait)->Initialize(kElectionA), ErrorCode::kUnavailable);
  ACTA_ASSERT_OK((*other)->Exec("ROLLBACK"));
  ACTA_ASSERT_OK((*short_wait)->Initialize(kElectionA));
}

}  // namespace
}  // namespace acta::store
