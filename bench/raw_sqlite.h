// The raw SQLite limit of the storage benchmarks: the rows a center stores
// for a set of actas, inserted into acta's own SQLite schema by SQLite's C
// API alone (one prepared statement, WAL, synchronous=FULL, a fixed number of
// rows per transaction), without the center around it.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "bench/bench_election.h"
#include "core/bytes.h"
#include "core/error.h"

namespace acta::bench {

// What a center stores for one acta; the receipt is a placeholder of the
// real size (the insert does not read it).
struct RawRow {
  Hash256 leaf;
  uint32_t table_id = 0;
  const Bytes* bytes = nullptr;  // the acta, owned by the BenchElection
};
std::vector<RawRow> RawRowsOf(const BenchElection& e);

struct RawInsert {
  double rows_per_second = 0;  // wall time
  double cpu_us_per_row = 0;   // this thread's CPU (user + system), fsyncs included
};

// Inserts `rows` into the database at `path`, `batch` rows per transaction
// (one fsync each); a missing database is first created with acta's schema
// for `election_id`, an existing one grows (a benchmark inserting in rounds
// keeps the index as deep as the center's). Errors: kInternal with SQLite's
// message, or the store's when it cannot create the database.
Result<RawInsert> RawSqliteInsert(const std::string& path, const Hash256& election_id,
                                  std::span<const RawRow> rows, size_t batch);

}  // namespace acta::bench
