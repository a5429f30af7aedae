// Downloads an audit directory a center publishes under /v1/audits/<name>/
// (docs/API.md) into a Files set, so `acta audit verify --published`
// checks exactly what the public sees.
#pragma once

#include <string_view>

#include "terminal/http_client.h"
#include "verify/files.h"

namespace acta::audit {

// Fetches audit.json, checkpoint and reported.csv, then every round's
// sample.csv, teams.txt and (when the round is recorded) hand_counts.csv as
// audit.json lists them. Errors: the client's, kNotFound when the center
// does not publish that audit, kUnavailable for another HTTP status,
// kMalformed when audit.json has no rounds array.
[[nodiscard]] Status FetchPublishedAudit(http::HttpClient& client, std::string_view name,
                                         verify::Files& out);

}  // namespace acta::audit
