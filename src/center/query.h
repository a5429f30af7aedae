// Query strings of the public API: only plain decimal numbers and hex, so
// percent-decoding is not needed; anything else is a 400.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acta::center {

// Value of `key` in the query part of `target` ("/x?a=1&b=2"), or nullopt.
std::optional<std::string_view> QueryParam(std::string_view target, std::string_view key);
// Strict decimal u64: digits only, no sign, no leading zeros (except "0").
std::optional<uint64_t> ParseDecimal(std::string_view text);

}  // namespace acta::center
