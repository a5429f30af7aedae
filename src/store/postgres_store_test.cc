// PostgreSQL-specific behaviour that the conformance suite cannot see: URL
// handling, the schema's own guards, binary round trips of every byte value,
// and reconnection after the server restarts.
#include "store/postgres_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/acta.h"
#include "store/open_store.h"
#include "store/postgres_schema.h"
#include "store/postgres_testing.h"
#include "store/store_conformance.h"

namespace acta::store {
namespace {

using testing::CreatePgDatabase;
using testing::DropPgDatabase;
using testing::kElectionA;
using testing::PgExec;
using testing::PgInt;
using testing::TestActa;
using testing::TestCheckpoint;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = CreatePgDatabase();
    ASSERT_FALSE(url_.empty());
  }
  void TearDown() override { DropPgDatabase(url_); }

  void OpenInitialized(std::unique_ptr<Store>& out) {
    auto store = OpenStore(url_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    out = std::move(*store);
    ACTA_ASSERT_OK(out->Initialize(kElectionA));
  }

  std::string url_;
};

TEST_F(PostgresStoreTest, OpenStoreSelectsPostgresForBothSchemes) {
  auto store = OpenStore(url_);
  ACTA_ASSERT_OK(store);
  EXPECT_NE(dynamic_cast<PostgresStore*>(store->get()), nullptr);
  std::string alt = "postgresql://" + url_.substr(std::string("postgres://").size());
  auto other = OpenStore(alt);
  ACTA_ASSERT_OK(other);
  EXPECT_NE(dynamic_cast<PostgresStore*>(other->get()), nullptr);
}

TEST_F(PostgresStoreTest, BadUrlIsInvalidArgumentAndMissingDatabaseIsUnavailable) {
  ACTA_ASSERT_ERROR(OpenStore("postgres://acta@127.0.0.1:5432/db?nosuchoption=1"),
                    ErrorCode::kInvalidArgument);
  auto missing = OpenStore(testing::PgUrlWithDatabase(url_, "acta_no_such_database"));
  ACTA_ASSERT_ERROR(missing, ErrorCode::kUnavailable);
  EXPECT_NE(missing.error().message.find("acta_no_such_database"), std::string::npos)
      << missing.error().message;
}

TEST_F(PostgresStoreTest, SchemaVersionAndLogHeadAreRecorded) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  auto version = PgInt(url_, "SELECT version FROM schema_version");
  ACTA_ASSERT_OK(version);
  EXPECT_EQ(*version, pg::CurrentSchemaVersion());
  auto rows = PgInt(url_, "SELECT count(*) FROM schema_version");
  ACTA_ASSERT_OK(rows);
  EXPECT_EQ(*rows, 1);
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2), TestActa(3)};
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  std::vector<Hash256> leaves = {actas[2].leaf_hash, actas[0].leaf_hash};
  ACTA_ASSERT_OK(store->Sequence(0, leaves, std::nullopt));
  auto head = PgInt(url_, "SELECT size FROM log_head");
  ACTA_ASSERT_OK(head);
  EXPECT_EQ(*head, 2);
  // The election id is stored as its raw 32 bytes.
  auto id_ok = PgInt(url_, "SELECT count(*) FROM meta WHERE key = 'election_id' AND value = '\\x" +
                               HexEncode(kElectionA) + "'::bytea");
  ACTA_ASSERT_OK(id_ok);
  EXPECT_EQ(*id_ok, 1);
}

TEST_F(PostgresStoreTest, SchemaRefusesDeletesAndRewrites) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_OK(store->InsertAccepted({&a, 1}));
  std::vector<Hash256> leaves = {a.leaf_hash};
  ACTA_ASSERT_OK(store->Sequence(0, leaves, TestCheckpoint(1)));
  const StoredCheckpoint cp = TestCheckpoint(1);
  ACTA_ASSERT_OK(store->AddCosignature({cp.size, cp.root, 0, "\u2014 w AAAA\n"}));

  for (const char* sql :
       {"DELETE FROM accepted", "TRUNCATE accepted CASCADE", "UPDATE accepted SET bytes = '\\x00'",
        "UPDATE accepted SET conflict = true", "UPDATE accepted SET seq = 5",
        "DELETE FROM checkpoints", "TRUNCATE checkpoints", "UPDATE checkpoints SET size = 0",
        "UPDATE log_head SET size = 0", "DELETE FROM log_head", "DELETE FROM cosignatures",
        "TRUNCATE cosignatures", "UPDATE cosignatures SET line = '\\x00'"}) {
    ACTA_ASSERT_ERROR(PgExec(url_, sql), ErrorCode::kFailedPrecondition);
  }
  // A second sequencer that bypasses Sequence still cannot reuse an index.
  AcceptedActa b = TestActa(2);
  ACTA_ASSERT_OK(store->InsertAccepted({&b, 1}));
  ACTA_ASSERT_ERROR(PgExec(url_, "UPDATE accepted SET seq = 0 WHERE seq IS NULL"),
                    ErrorCode::kFailedPrecondition);
  auto found = store->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  a.seq = 0;
  EXPECT_EQ(*found, a);
}

TEST_F(PostgresStoreTest, EveryByteValueAndUtf8NoteRoundTripExactly) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa a = TestActa(9);
  a.bytes.clear();
  for (int rep = 0; rep < 3; ++rep)
    for (int v = 0; v < 256; ++v) a.bytes.push_back(static_cast<uint8_t>(v));  // NULs, quotes, '\'
  a.leaf_hash = LeafHashOf(a.bytes);
  a.received_at_ms = (1ULL << 63) - 1;  // the largest allowed time
  a.table_id = 0xffffffffu;
  a.correction = 0xffffffffu;
  ACTA_ASSERT_OK(store->InsertAccepted({&a, 1}));
  auto found = store->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, a);

  StoredCheckpoint checkpoint = TestCheckpoint(0, 0xff);
  checkpoint.note = "acta.test/log\n0\nroot '\\x00' \"quoted\" ñ —\n\n— center sig\n";
  ACTA_ASSERT_OK(store->AddCheckpoint(checkpoint));
  auto latest = store->LatestCheckpoint();
  ACTA_ASSERT_OK(latest);
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ(**latest, checkpoint);
}

TEST_F(PostgresStoreTest, MalformedStoredRowIsCorruption) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_OK(store->InsertAccepted({&a, 1}));
  // Someone with database access bypasses the guards.
  ACTA_ASSERT_OK(PgExec(url_,
                        "ALTER TABLE accepted DISABLE TRIGGER accepted_immutable; "
                        "UPDATE accepted SET receipt = '\\x0102'"));
  ACTA_ASSERT_ERROR(store->FindByLeaf(a.leaf_hash), ErrorCode::kCorruption);
  ACTA_ASSERT_ERROR(store->ForEachAccepted([](const AcceptedActa&) -> Status { return Ok(); }),
                    ErrorCode::kCorruption);
}

TEST_F(PostgresStoreTest, ForEachPagesThroughMoreRowsThanOnePage) {
  PostgresStoreOptions options;
  options.page_rows = 7;
  auto opened = PostgresStore::Open(url_, options);
  ACTA_ASSERT_OK(opened);
  PostgresStore& store = **opened;
  ACTA_ASSERT_OK(store.Initialize(kElectionA));
  std::vector<AcceptedActa> actas;
  for (uint32_t t = 0; t < 30; ++t) actas.push_back(TestActa(t));
  ACTA_ASSERT_OK(store.InsertAccepted(actas));
  std::vector<Hash256> leaves;
  for (size_t i = 0; i < 21; ++i) leaves.push_back(actas[i].leaf_hash);  // 3 full pages
  ACTA_ASSERT_OK(store.Sequence(0, leaves, std::nullopt));
  std::vector<uint32_t> all, sequenced;
  ACTA_ASSERT_OK(store.ForEachAccepted([&](const AcceptedActa& a) -> Status {
    all.push_back(a.table_id);
    return Ok();
  }));
  ACTA_ASSERT_OK(store.ForEachSequenced(2, 1000, [&](const AcceptedActa& a) -> Status {
    sequenced.push_back(a.table_id);
    return Ok();
  }));
  std::vector<uint32_t> want_all, want_sequenced;
  for (uint32_t t = 0; t < 30; ++t) want_all.push_back(t);
  for (uint32_t t = 2; t < 21; ++t) want_sequenced.push_back(t);
  EXPECT_EQ(all, want_all);
  EXPECT_EQ(sequenced, want_sequenced);
}

TEST(PostgresRestartTest, UnavailableWhileTheServerIsDownThenRecovers) {
  testing::PrivatePgCluster cluster;
  ASSERT_TRUE(cluster.ok());
  auto opened = OpenStore(cluster.url());
  ACTA_ASSERT_OK(opened);
  Store& store = **opened;
  ACTA_ASSERT_OK(store.Initialize(kElectionA));
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2), TestActa(3)};
  ACTA_ASSERT_OK(store.InsertAccepted(std::span(actas).subspan(0, 1)));

  ASSERT_TRUE(cluster.Down());
  ACTA_ASSERT_ERROR(store.InsertAccepted(std::span(actas).subspan(1, 1)), ErrorCode::kUnavailable);
  ACTA_ASSERT_ERROR(store.SequencedCount(), ErrorCode::kUnavailable);
  std::vector<Hash256> first = {actas[0].leaf_hash};
  ACTA_ASSERT_ERROR(store.Sequence(0, first, std::nullopt), ErrorCode::kUnavailable);
  ACTA_ASSERT_ERROR(OpenStore(cluster.url()), ErrorCode::kUnavailable);

  ASSERT_TRUE(cluster.Up());
  ACTA_ASSERT_OK(store.InsertAccepted(std::span(actas).subspan(1)));
  ACTA_ASSERT_OK(store.Sequence(0, first, TestCheckpoint(1)));
  auto count = store.SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 1u);
  actas[0].seq = 0;
  EXPECT_EQ(testing::AllRows(store), actas);

  // A restart while connections sit idle in the pool: the first call after
  // it finds them dead and retries on a fresh connection by itself.
  ASSERT_TRUE(cluster.Down());
  ASSERT_TRUE(cluster.Up());
  count = store.SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 1u);
}

// Issue #15: a store that requires a synchronous standby, on the fixture's
// cluster (which has none), acknowledges nothing; without the requirement the
// same server takes the write.
TEST(PostgresReplicationSingleTest, OneServerWithoutStandbyNeverConfirms) {
  const std::string url = CreatePgDatabase();
  ASSERT_FALSE(url.empty());
  struct Drop {
    std::string url;
    ~Drop() { DropPgDatabase(url); }
  } drop{url};
  PostgresStoreOptions options;
  options.require_sync_standby = true;
  options.sync_wait = std::chrono::milliseconds(300);
  auto strict_store = PostgresStore::Open(url, options);
  ACTA_ASSERT_OK(strict_store);
  auto& strict = *strict_store;
  ACTA_ASSERT_OK(strict->Initialize(kElectionA));
  ACTA_ASSERT_ERROR(strict->InsertAccepted(std::vector<AcceptedActa>{TestActa(1)}),
                    ErrorCode::kUnavailable);
  auto plain_store = PostgresStore::Open(url);
  ACTA_ASSERT_OK(plain_store);
  auto& plain = *plain_store;
  ACTA_ASSERT_OK(plain->Initialize(kElectionA));
  ACTA_ASSERT_OK(plain->InsertAccepted(std::vector<AcceptedActa>{TestActa(1)}));
  ACTA_ASSERT_OK(plain->ConfirmReplicated());
}

}  // namespace
}  // namespace acta::store
