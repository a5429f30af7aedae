// The audited contest's per-table report, read from a tally that has
// applied the log exactly up to the pinned checkpoint.
#pragma once

#include <string_view>

#include "audit/macro.h"
#include "core/error.h"
#include "tally/tally.h"

namespace acta::audit {

// Errors: kNotFound when the manifest has no contest `contest_id`.
[[nodiscard]] Result<ContestReport> ReportFromTally(const tally::Tally& tally,
                                                    std::string_view contest_id);

}  // namespace acta::audit
