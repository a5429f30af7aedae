// The conformance fixture and helpers, and the tests of initialization
// (schema, election id) and of accepted rows (insert, find, duplicates,
// conflicts, arrival order). The log side is in store_conformance_log.cc,
// durability and group commit in store_conformance_durability.cc.
#include "store/store_conformance.h"

#include <string>
#include <vector>

#include "core/acta.h"
#include "core/receipt.h"
#include "store/open_store.h"

namespace acta::store::testing {
namespace {

Hash256 FilledHash(uint8_t v) {
  Hash256 h;
  h.fill(v);
  return h;
}

}  // namespace

const Hash256 kElectionA = FilledHash(0xA1);
const Hash256 kElectionB = FilledHash(0xB2);

std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

void StoreConformanceTest::SetUp() { url_ = GetParam().create(); }

void StoreConformanceTest::TearDown() { GetParam().destroy(url_); }

void StoreConformanceTest::Open(std::unique_ptr<Store>& out) {
  auto store = OpenStore(url_);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  out = std::move(*store);
}

void StoreConformanceTest::OpenInitialized(std::unique_ptr<Store>& out) {
  ASSERT_NO_FATAL_FAILURE(Open(out));
  ACTA_ASSERT_OK(out->Initialize(kElectionA));
}

AcceptedActa TestActa(uint32_t table_id, uint32_t variant, bool conflict, Lane lane) {
  AcceptedActa acta;
  acta.table_id = table_id;
  acta.correction = variant;
  std::string text =
      "test acta table=" + std::to_string(table_id) + " variant=" + std::to_string(variant) + " ";
  acta.bytes.assign(text.begin(), text.end());
  for (uint32_t i = 0; acta.bytes.size() < 200; ++i)
    acta.bytes.push_back(static_cast<uint8_t>(i * 7 + table_id));
  acta.leaf_hash = LeafHashOf(acta.bytes);
  acta.lane = lane;
  acta.received_at_ms = 1'800'000'000'000ULL + table_id * 1000ULL + variant;
  acta.receipt.resize(kReceiptSize);
  for (size_t i = 0; i < acta.receipt.size(); ++i)
    acta.receipt[i] = acta.leaf_hash[i % 32] ^ static_cast<uint8_t>(i);
  acta.conflict = conflict;
  return acta;
}

StoredCheckpoint TestCheckpoint(uint64_t size, uint8_t tag) {
  StoredCheckpoint checkpoint;
  checkpoint.size = size;
  checkpoint.root = FilledHash(tag);
  checkpoint.note = "acta.test/log\n" + std::to_string(size) + "\nroot-" + std::to_string(tag) +
                    "\n\n— center sig\n";
  checkpoint.created_at_ms = 1'800'000'000'000ULL + size * 10 + tag;
  return checkpoint;
}

std::vector<AcceptedActa> AllRows(Store& store) {
  std::vector<AcceptedActa> rows;
  auto status = store.ForEachAccepted([&](const AcceptedActa& a) -> Status {
    rows.push_back(a);
    return Ok();
  });
  EXPECT_TRUE(status.has_value()) << status.error().ToString();
  return rows;
}

TEST_P(StoreConformanceTest, UseBeforeInitializeIsRefused) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(Open(store));
  AcceptedActa a = TestActa(1);
  ACTA_ASSERT_ERROR(store->InsertAccepted({&a, 1}), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(store->FindByLeaf(a.leaf_hash), ErrorCode::kFailedPrecondition);
  ACTA_ASSERT_ERROR(store->SequencedCount(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, InitializeCreatesThenReopens) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  ACTA_ASSERT_OK(store->Initialize(kElectionA));  // again: a no-op
  auto count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 0u);
  store.reset();
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  EXPECT_TRUE(AllRows(*store).empty());
}

TEST_P(StoreConformanceTest, OtherElectionIsRefusedNamingBothIds) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  store.reset();
  ASSERT_NO_FATAL_FAILURE(Open(store));
  auto status = store->Initialize(kElectionB);
  ACTA_ASSERT_ERROR(status, ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.error().message.find(HexEncode(kElectionA)), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find(HexEncode(kElectionB)), std::string::npos)
      << status.error().message;
  // The refused store stays unusable.
  ACTA_ASSERT_ERROR(store->SequencedCount(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, NewerSchemaIsRefused) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  store.reset();
  GetParam().set_schema_version(url_, 9999);
  ASSERT_NO_FATAL_FAILURE(Open(store));
  auto status = store->Initialize(kElectionA);
  ACTA_ASSERT_ERROR(status, ErrorCode::kUnsupportedVersion);
  EXPECT_NE(status.error().message.find("9999"), std::string::npos) << status.error().message;
}

TEST_P(StoreConformanceTest, InsertThenFindReturnsExactRow) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2, 0, false, Lane::kPublic),
                                     TestActa(3)};
  ACTA_ASSERT_OK(store->InsertAccepted(actas));
  for (const auto& a : actas) {
    auto found = store->FindByLeaf(a.leaf_hash);
    ACTA_ASSERT_OK(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(**found, a);
  }
  auto missing = store->FindByLeaf(TestActa(4).leaf_hash);
  ACTA_ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(AllRows(*store), actas);
}

TEST_P(StoreConformanceTest, ExactDuplicateIsIdempotentAndChangesNothing) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa a = TestActa(5);
  ACTA_ASSERT_OK(store->InsertAccepted({&a, 1}));
  AcceptedActa again = a;  // same leaf, later arrival and another receipt
  again.received_at_ms += 60'000;
  again.receipt[0] ^= 0xff;
  again.conflict = true;
  std::vector<AcceptedActa> batch = {again, TestActa(6), again};
  ACTA_ASSERT_OK(store->InsertAccepted(batch));
  auto found = store->FindByLeaf(a.leaf_hash);
  ACTA_ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, a);
  EXPECT_EQ(AllRows(*store), (std::vector<AcceptedActa>{a, TestActa(6)}));
}

TEST_P(StoreConformanceTest, InvalidEntryRejectsTheWholeBatch) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa wrong_leaf = TestActa(2);
  wrong_leaf.leaf_hash[0] ^= 1;
  AcceptedActa short_receipt = TestActa(2);
  short_receipt.receipt.pop_back();
  AcceptedActa with_seq = TestActa(2);
  with_seq.seq = 0;
  AcceptedActa empty = TestActa(2);
  empty.bytes.clear();
  empty.leaf_hash = LeafHashOf(empty.bytes);
  for (const AcceptedActa& bad : {wrong_leaf, short_receipt, with_seq, empty}) {
    std::vector<AcceptedActa> batch = {TestActa(1), bad, TestActa(3)};
    ACTA_ASSERT_ERROR(store->InsertAccepted(batch), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(AllRows(*store).empty());
}

TEST_P(StoreConformanceTest, ConflictingActasForATableAreBothKept) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  AcceptedActa first = TestActa(7, 0);
  AcceptedActa second = TestActa(7, 1, /*conflict=*/true, Lane::kPublic);
  AcceptedActa other = TestActa(8);
  ACTA_ASSERT_OK(store->InsertAccepted({&first, 1}));
  ACTA_ASSERT_OK(store->InsertAccepted({&other, 1}));
  ACTA_ASSERT_OK(store->InsertAccepted({&second, 1}));
  auto rows = store->FindByTable(7);
  ACTA_ASSERT_OK(rows);
  EXPECT_EQ(*rows, (std::vector<AcceptedActa>{first, second}));
  auto none = store->FindByTable(9);
  ACTA_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, LoadUnsequencedFollowsArrivalOrder) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  // Table ids deliberately not in arrival order.
  std::vector<AcceptedActa> actas = {TestActa(50), TestActa(10), TestActa(40), TestActa(20),
                                     TestActa(30)};
  ACTA_ASSERT_OK(store->InsertAccepted(std::span(actas).subspan(0, 2)));
  ACTA_ASSERT_OK(store->InsertAccepted(std::span(actas).subspan(2)));
  auto first3 = store->LoadUnsequenced(3);
  ACTA_ASSERT_OK(first3);
  EXPECT_EQ(*first3, std::vector<AcceptedActa>(actas.begin(), actas.begin() + 3));
  std::vector<Hash256> leaves = {actas[0].leaf_hash, actas[2].leaf_hash};
  ACTA_ASSERT_OK(store->Sequence(0, leaves, std::nullopt));
  auto rest = store->LoadUnsequenced(100);
  ACTA_ASSERT_OK(rest);
  EXPECT_EQ(*rest, (std::vector<AcceptedActa>{actas[1], actas[3], actas[4]}));
  auto zero = store->LoadUnsequenced(0);
  ACTA_ASSERT_OK(zero);
  EXPECT_TRUE(zero->empty());
}

}  // namespace acta::store::testing
