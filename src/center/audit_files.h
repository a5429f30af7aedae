// The risk-limiting audits a center publishes, read-only (docs/API.md,
// "Audits"): each directory ROOT/<name>/ as `acta audit plan|record`
// writes it (docs/FORMATS.md, "Audit directory"). The center never
// interprets an audit; anyone recomputes it with `acta audit verify`.
//
//   /v1/audits/index.json          {"audits":["<name>",...]}, names sorted,
//                                  only directories holding an audit.json
//   /v1/audits/<name>/<file>       audit.json, checkpoint, reported.csv,
//                                  round-<k>/sample.csv|teams.txt|hand_counts.csv
//
// Files are read on each request (rounds are added while the center runs).
// Names and paths are matched against that fixed set, so nothing outside
// the audit directories can be read.
#pragma once

#include <string>
#include <string_view>

#include "center/http/handler.h"

namespace acta::center {

// `rest` is the request path after "/v1/audits/". An empty `root` serves
// an empty index and 404 for everything else.
http::Response ServeAuditFile(const std::string& root, std::string_view rest);

}  // namespace acta::center
