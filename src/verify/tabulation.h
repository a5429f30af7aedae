// Parallel tabulation: an observer holds copies of many actas (photos of
// printed sheets, files) and compares them with the center's log. For every
// table held: the same acta is in the log (proven by an inclusion proof
// against the signed checkpoint), a different one is (and how it differs),
// or none is. For every table in the log: whether the observer holds it.
// Totals recomputed from the observer's own actas beside the official ones.
//
// Built on the observer's check (verify/observer.h): the manifest and the
// checkpoint are fetched and verified once, then each acta is checked on
// its own connection by a pool of threads. The log-wide view comes from the
// center's table CSV (/v1/export/tables.csv, docs/FORMATS.md "Table CSV"),
// which `acta verify` recomputes from the log byte for byte.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/acta.h"
#include "terminal/http_client.h"
#include "verify/observer.h"

namespace acta::verify {

struct HeldActa {
  std::string source;  // where the observer got it (a file name)
  Acta acta;
};

enum class Holding {
  kSame,       // the observer's acta is in the log and the table counts it
  kDifferent,  // the log holds another acta for the table (or a conflict)
  kMissing,    // the log holds no acta for the table
  kInvalid,    // the observer's copy does not verify against the manifest
  kUnproven,   // the center's answers do not check out (see detail)
  kNotHeld,    // in the log, and the observer holds no acta for the table
};
std::string_view HoldingName(Holding h);  // "same", "different", ...

struct TabulationRow {
  uint32_t table_id = 0;
  Holding holding = Holding::kNotHeld;
  std::string sources;            // the files holding this acta, joined by ';'
  std::string leaf_hash;          // the observer's acta (hex), empty when not held
  std::optional<uint64_t> index;  // its log index, when proven
  std::string log_status;         // "counted", "conflict", "missing" (the center's)
  std::string logged_leaf_hash;   // the log's acta for the table (hex), if any
  // "<field>: observer <n>, log <m>" for each count that differs.
  std::vector<std::string> differences;
  std::string detail;  // why invalid or unproven; "conflict" notes
};

// One contest's totals: columns are the candidate ids, then "blank", "null".
struct ContestTotals {
  std::string contest;
  std::vector<std::string> columns;
  std::vector<uint64_t> observer;       // the observer's valid actas, one per table
  std::vector<uint64_t> official_held;  // the log's counted actas of those same tables
  std::vector<uint64_t> official_all;   // every counted table (the official totals)
};

struct Tabulation {
  uint64_t checkpoint_size = 0;
  Hash256 checkpoint_root{};
  uint64_t csv_checkpoint_size = 0;  // the table CSV's Acta-Checkpoint-Size
  std::vector<TabulationRow> rows;   // by table id, then source
  std::vector<ContestTotals> totals;
  size_t Count(Holding h) const;
};

using ClientFactory = std::function<Result<std::unique_ptr<http::HttpClient>>()>;

// Errors: network or HTTP failures, a table CSV that does not parse
// (kMalformed), and a manifest or checkpoint that does not verify
// (kFailedPrecondition, with the problem): nothing can be compared then.
[[nodiscard]] Result<Tabulation> Tabulate(const ClientFactory& connect,
                                          const std::vector<HeldActa>& held,
                                          const ObserverOptions& options, int threads);

// One row per TabulationRow: table_id,holding,sources,leaf_hash,log_index,
// log_status,logged_leaf_hash,differences,detail (RFC 4180 quoting).
std::string TabulationCsv(const Tabulation& t);
// {"format":"acta-compare-v1","checkpoint":{...},"summary":{...},
//  "tables":[...],"totals":[...]}, 1-space indented.
std::string TabulationJson(const Tabulation& t);

}  // namespace acta::verify
