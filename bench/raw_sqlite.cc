#include "bench/raw_sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "bench/cpu_time.h"
#include "core/acta.h"
#include "core/receipt.h"
#include "store/open_store.h"

namespace acta::bench {
namespace {

std::unexpected<Error> SqliteError(sqlite3* db, const std::string& what) {
  return MakeError(ErrorCode::kInternal, what + ": " + sqlite3_errmsg(db));
}

}  // namespace

std::vector<RawRow> RawRowsOf(const BenchElection& e) {
  std::vector<RawRow> rows;
  rows.reserve(e.actas.size());
  for (const Acta& a : e.actas) rows.push_back({LeafHashOf(a.bytes), a.body.table_id, &a.bytes});
  return rows;
}

Result<RawInsert> RawSqliteInsert(const std::string& path, const Hash256& election_id,
                                  std::span<const RawRow> rows, size_t batch) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    // acta's schema, made by acta's store: the limit carries the same indexes.
    auto store = store::OpenStore("sqlite:" + path);
    if (!store) return std::unexpected(std::move(store).error());
    ACTA_RETURN_IF_ERROR((*store)->Initialize(election_id));
  }
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open(path.c_str(), &raw);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (opened != SQLITE_OK) return SqliteError(raw, "sqlite3_open " + path);
  if (sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    return SqliteError(raw, "pragmas");
  }
  sqlite3_stmt* stmt_raw = nullptr;
  if (sqlite3_prepare_v2(raw,
                         "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, "
                         "received_at_ms, receipt, conflict) VALUES (?, ?, 0, ?, 0, ?, ?, 0)",
                         -1, &stmt_raw, nullptr) != SQLITE_OK) {
    return SqliteError(raw, "prepare");
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(stmt_raw, &sqlite3_finalize);
  const std::string receipt(kReceiptSize, '\0');
  batch = std::max<size_t>(batch, 1);
  const double cpu0 = ThreadCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (size_t from = 0; from < rows.size(); from += batch) {
    if (sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(raw, "begin");
    }
    const size_t n = std::min(batch, rows.size() - from);
    for (size_t i = 0; i < n; ++i) {
      const RawRow& r = rows[from + i];
      sqlite3_bind_blob(stmt_raw, 1, r.leaf.data(), static_cast<int>(r.leaf.size()), SQLITE_STATIC);
      sqlite3_bind_int64(stmt_raw, 2, r.table_id);
      sqlite3_bind_blob(stmt_raw, 3, r.bytes->data(), static_cast<int>(r.bytes->size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(stmt_raw, 4, static_cast<int64_t>(1'800'000'000'000ULL + from + i));
      sqlite3_bind_blob(stmt_raw, 5, receipt.data(), static_cast<int>(receipt.size()),
                        SQLITE_STATIC);
      if (sqlite3_step(stmt_raw) != SQLITE_DONE) return SqliteError(raw, "insert");
      sqlite3_reset(stmt_raw);
    }
    if (sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(raw, "commit");
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = ThreadCpuSeconds() - cpu0;
  const double count = static_cast<double>(std::max<size_t>(rows.size(), 1));
  return RawInsert{count / std::max(secs, 1e-9), cpu * 1e6 / count};
}

}  // namespace acta::bench
