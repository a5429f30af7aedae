// The /v1/regions/{code} answer, shared by the center (served live) and
// `acta mirror` (written as a file), so both give the same bytes for the
// same Tally state.
//
// Thread-safety: reads the Tally only; callers must not Apply concurrently.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "tally/tally.h"

namespace acta::tally {

// RegionJson(tally, code) with "path" (the ancestors, country first, as
// [{"code","name","level"}]) and, for a region that has tables (a voting
// center), "tables": [{"table","status","flags","registered"}]. Spliced in
// before the closing brace so the tally's bytes stay as they are. One line
// of JSON followed by "\n". Errors: kNotFound for an unknown region code.
[[nodiscard]] Result<std::string> RegionDetailJson(const Tally& tally, std::string_view code);
// The same for the region at manifest index `region`. Errors: kNotFound.
[[nodiscard]] Result<std::string> RegionDetailJsonAt(const Tally& tally, int32_t region);

}  // namespace acta::tally
