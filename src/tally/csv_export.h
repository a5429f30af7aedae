// The open-data CSV: one row per manifest table with its region path, its
// status and the counts of its stored acta. The verifier rebuilds the same
// file from a log dump and compares bytes, so the output is a pure function
// of the Tally state (docs/FORMATS.md, "Table CSV").
//
// Thread-safety: reads the Tally only; callers must not Apply concurrently.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/manifest.h"
#include "tally/tally.h"

namespace acta::tally {

// The header line (with "\n") for this manifest's contests.
std::string TableCsvHeader(const Manifest& manifest);

// Writes the header and one row per table, in manifest (table id) order, to
// `sink` in chunks of roughly 64 KiB. Rows end in "\n".
void WriteTableCsv(const Tally& tally, const std::function<void(std::string_view)>& sink);

// The whole file as one string (for tests and small elections).
std::string TableCsv(const Tally& tally);

}  // namespace acta::tally
