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
#include <utility>
#include <vector>

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

// `v` as an integer of type T, for code that reads JSON inside a try block
// (which catches nlohmann::json::exception): throws json::type_error unless
// `v` is an integer that fits T. nlohmann's own get<T>() converts a float
// with a static_cast, undefined for one out of T's range, and a number too
// large for 64 bits parses as a float (the verifier_inputs fuzz target found
// one: docs/SECURITY.md, "Fuzzing").
template <typename T>
T JsonInteger(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    if (const uint64_t u = v.get<uint64_t>(); std::in_range<T>(u)) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    if (const int64_t i = v.get<int64_t>(); std::in_range<T>(i)) return static_cast<T>(i);
  }
  throw nlohmann::json::type_error::create(302, "not an integer in range: " + v.dump(), &v);
}
// The same for every element of an array (else json::type_error).
template <typename T>
std::vector<T> JsonIntegers(const nlohmann::json& v) {
  if (!v.is_array()) throw nlohmann::json::type_error::create(302, "not an array", &v);
  std::vector<T> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(JsonInteger<T>(e));
  return out;
}

}  // namespace acta
