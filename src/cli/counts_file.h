// The counts file a poll worker (or the terminal software) writes at close of
// polls and `acta sign` turns into an acta:
//   {"ballots_cast": 412,
//    "contests": {"president": {"votes": {"c1": 150, "c2": 130}, "blank": 12, "null": 10}}}
// Every contest and candidate of the manifest must appear, nothing else may.
#pragma once

#include <string_view>

#include "core/acta.h"
#include "core/manifest.h"

namespace acta::cli {

// Fills ballots_cast and contests of an acta body; other fields untouched.
Result<ActaBody> ParseCountsFile(std::string_view json, const Manifest& manifest);

// The inverse, for `acta inspect --json` and the tests.
std::string CountsToJson(const ActaBody& body, const Manifest& manifest);

}  // namespace acta::cli
