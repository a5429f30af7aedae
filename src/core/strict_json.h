// A strict front end to nlohmann::json for files people write (manifest.json
// and friends): syntax errors, and objects that repeat a key, are rejected
// with the position or JSON path, instead of nlohmann's default of silently
// keeping the last duplicate.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace acta {

// Parses `text` as one JSON value. Errors are kMalformed and start with
// `what` (e.g. "manifest.json: duplicate key \"name\" in contests[0]").
// Never throws.
Result<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what);

// `j[key]` when `j` is an object holding `key` with a value of that JSON
// type, nullopt otherwise. For JSON from the network or from files: unlike
// json::value(key, default), these never throw on a value of another type
// (`{"size": "x"}`), which would end the process.
std::optional<uint64_t> JsonUint(const nlohmann::json& j, std::string_view key);
std::optional<std::string> JsonString(const nlohmann::json& j, std::string_view key);
std::optional<bool> JsonBool(const nlohmann::json& j, std::string_view key);

}  // namespace acta
