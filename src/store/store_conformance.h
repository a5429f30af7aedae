// The conformance suite every Store backend must pass (value-parameterized
// GoogleTest). The TEST_P bodies live in store_conformance.cc,
// store_conformance_log.cc and store_conformance_durability.cc, built as the
// object library acta_store_conformance; a backend's test binary links it
// and instantiates the suite with its own StoreBackend, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                            ::testing::Values(SqliteBackend()), BackendName);
//
// (see store_conformance_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"

namespace acta::store::testing {

// What the suite needs to know about a backend.
struct StoreBackend {
  std::string name;  // test-name suffix: letters, digits and '_' only
  // Makes a fresh, empty location for one test; returns the URL OpenStore
  // opens it with. Every call returns a new location.
  std::function<std::string()> create;
  // Removes what `create` made.
  std::function<void(const std::string& url)> destroy;
  // Overwrites the schema version recorded at `url` (the store is closed),
  // to test that a newer schema is refused.
  std::function<void(const std::string& url, int64_t version)> set_schema_version;
};

std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info);
// So a failing test names its backend instead of dumping the struct's bytes.
void PrintTo(const StoreBackend& backend, std::ostream* os);

class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // OpenStore(url_) without Initialize; fails the test on error.
  void Open(std::unique_ptr<Store>& out);
  // OpenStore(url_) and Initialize(kElectionA).
  void OpenInitialized(std::unique_ptr<Store>& out);

  std::string url_;
};

// Election ids used by the suite.
extern const Hash256 kElectionA;
extern const Hash256 kElectionB;

// A deterministic accepted acta: bytes unique per (table_id, variant), the
// matching leaf hash, a receipt-sized receipt, unsequenced.
AcceptedActa TestActa(uint32_t table_id, uint32_t variant = 0, bool conflict = false,
                      Lane lane = Lane::kTerminal);
// A deterministic checkpoint of `size` entries; `tag` varies root and note.
StoredCheckpoint TestCheckpoint(uint64_t size, uint8_t tag = 0);

// Every stored row, in arrival order (ForEachAccepted); fails the test on
// error.
std::vector<AcceptedActa> AllRows(Store& store);

}  // namespace acta::store::testing

// Asserts a Status/Result is OK, printing its error otherwise.
#define ACTA_ASSERT_OK(expr)                                                  \
  do {                                                                        \
    const auto& acta_result_ = (expr);                                        \
    ASSERT_TRUE(acta_result_.has_value()) << acta_result_.error().ToString(); \
  } while (0)

// Asserts a Status/Result failed with exactly `code`.
#define ACTA_ASSERT_ERROR(expr, expected_code)                                                \
  do {                                                                                        \
    const auto& acta_result_ = (expr);                                                        \
    ASSERT_FALSE(acta_result_.has_value()) << "expected an error";                            \
    ASSERT_EQ(acta_result_.error().code, (expected_code)) << acta_result_.error().ToString(); \
  } while (0)
