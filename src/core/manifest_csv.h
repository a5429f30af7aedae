// Builds a new election from the CSV files an authority keeps in a
// spreadsheet (the input of `acta election init`). The format of each file is
// in docs/FORMATS.md ("Election CSV files"); examples/election/ has a small
// complete example.
//
//   election.csv  key,value          name, polls_close_not_before,
//                                    polls_close_not_after, authority (key
//                                    name), center (key name, or a vkey
//                                    name+keyid+base64 of a key kept
//                                    elsewhere; repeatable)
//   regions.csv   code,name,level,parent
//   tables.csv    id,region,registered,public_key
//   contests.csv  contest_id,contest_name,candidate_id,candidate_name,party
//
// Parsing is strict (RFC 4180 quoting, exact headers, no blank lines, UTF-8)
// and every error is kMalformed with "file.csv:LINE: why".
#pragma once

#include <string>

#include "core/election_secrets.h"
#include "core/random.h"

namespace acta {

// Reads DIR/*.csv and returns a finalized manifest with fresh authority,
// center and transport keys drawn from `rng`. A center row that gives a vkey
// (a key generated in a token, whose private key never exists in a file) is
// listed as is and has no entry in ElectionMaterial::centers, so no secret
// is written for it; a malformed one is "election.csv:LINE: center ...". Tables whose public_key
// column is empty get a generated machine key (then every table must leave it empty, and
// ElectionMaterial::table_seeds holds the seeds); otherwise the given keys are used and table_seeds
// is empty. Tables may be listed in any order; the manifest sorts them by id. The result has passed
// ParseManifest.
Result<ElectionMaterial> BuildManifestFromCsv(const std::string& dir, Random& rng);

// One parsed CSV file: rows of fields, with the 1-based line of each row.
struct CsvRow {
  size_t line = 0;
  std::vector<std::string> fields;
};
// Parses `text` whose first line must be exactly `header`; returns the data
// rows. `file` names the file in errors.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text, std::string_view file,
                                     const std::vector<std::string>& header);

}  // namespace acta
