// A strict front end to nlohmann::json for files people write (manifest.json
// and friends): syntax errors, and objects that repeat a key, are rejected
// with the position or JSON path, instead of nlohmann's default of silently
// keeping the last duplicate.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

namespace acta {

// Parses `text` as one JSON value. Errors are kMalformed and start with
// `what` (e.g. "manifest.json: duplicate key \"name\" in contests[0]").
// Never throws.
Result<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what);

}  // namespace acta
