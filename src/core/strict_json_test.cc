#include "core/strict_json.h"

#include <gtest/gtest.h>

namespace acta {
namespace {

using nlohmann::json;

// JsonInteger takes integers that fit and refuses everything else with a
// json exception, where get<T>() converts floats (undefined out of range)
// and wraps integers.
TEST(JsonIntegerTest, TakesIntegersThatFitAndRefusesTheRest) {
  EXPECT_EQ(JsonInteger<uint64_t>(json::parse("18446744073709551615")), UINT64_MAX);
  EXPECT_EQ(JsonInteger<uint32_t>(json::parse("4294967295")), UINT32_MAX);
  EXPECT_EQ(JsonInteger<int64_t>(json::parse("-5")), -5);
  for (const char* bad : {"4294967296", "-1", "1.5", "1e3", "\"7\"", "null", "[]",
                          "746666666666666666666666666666666666666"}) {
    EXPECT_THROW(JsonInteger<uint32_t>(json::parse(bad)), json::exception) << bad;
  }
  EXPECT_THROW(JsonInteger<uint64_t>(json::parse("18446744073709551616")), json::exception);
  EXPECT_EQ(JsonIntegers<uint32_t>(json::parse("[1,2,3]")), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_THROW(JsonIntegers<uint32_t>(json::parse("[1,2.5]")), json::exception);
  EXPECT_THROW(JsonIntegers<uint32_t>(json::parse("{}")), json::exception);
}

TEST(JsonFieldTest, ReadersNeverThrowOnAnotherType) {
  const json j = json::parse(R"({"size": 7, "name": "x", "ok": true, "big": 1e40})");
  EXPECT_EQ(JsonUint(j, "size"), 7u);
  EXPECT_EQ(JsonUint(j, "name"), std::nullopt);
  EXPECT_EQ(JsonUint(j, "big"), std::nullopt);
  EXPECT_EQ(JsonString(j, "name"), "x");
  EXPECT_EQ(JsonBool(j, "ok"), true);
  EXPECT_EQ(JsonUint(json::array(), "size"), std::nullopt);
}

}  // namespace
}  // namespace acta
