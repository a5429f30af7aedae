// Finds the first difference between two JSON documents (a published
// bulletin and the recomputed one) and names it the way a person reads a
// bulletin: "regions[VE-03].contests[pres].votes[1]" rather than array
// positions, so a discrepancy points at a region, a contest and a number.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acta::verify {

struct JsonDifference {
  std::string path;       // e.g. "regions[VE-03].contests[pres].votes[1]"
  std::string published;  // the published value (compact JSON), or "(absent)"
  std::string expected;   // the recomputed value
};

// nullopt when both parse and are equal as JSON values (key order ignored).
// When `published` does not parse, the difference has path "" and says so.
// Elements of arrays of objects are named by their "code", "id" or "table"
// member when they have one; otherwise by index. Never throws.
std::optional<JsonDifference> FirstJsonDifference(std::string_view published,
                                                  std::string_view expected);

}  // namespace acta::verify
