#include "store/postgres_rows.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "core/receipt.h"

namespace acta::store::pg {
namespace {

template <typename T>
Status Unwrap(Result<T>& r, T& out) {
  if (!r) return std::unexpected(std::move(r).error());
  out = std::move(*r);
  return Ok();
}

}  // namespace

Result<Hash256> ReadHash(const QueryResult& rows, int row, int column, const char* what) {
  auto blob = rows.Bytes(row, column);
  if (!blob) return std::unexpected(std::move(blob).error());
  if (blob->size() != 32) {
    return MakeError(ErrorCode::kCorruption, std::string("stored ") + what + " has " +
                                                 std::to_string(blob->size()) + " bytes");
  }
  Hash256 out;
  std::copy(blob->begin(), blob->end(), out.begin());
  return out;
}

// Decodes a row selected with kRowColumns, checking what the schema's CHECK
// constraints cannot (lengths that matter to callers).
Result<AcceptedActa> ReadRow(const QueryResult& rows, int row) {
  AcceptedActa acta;
  int64_t table_id = 0, correction = 0, lane = 0, received = 0;
  ByteSpan bytes, receipt;
  auto leaf = ReadHash(rows, row, 0, "leaf_hash");
  auto r1 = rows.Int8(row, 1);
  auto r2 = rows.Int8(row, 2);
  auto r3 = rows.Bytes(row, 3);
  auto r4 = rows.Int8(row, 4);
  auto r5 = rows.Int8(row, 5);
  auto r6 = rows.Bytes(row, 6);
  auto conflict = rows.Bool(row, 7);
  ACTA_RETURN_IF_ERROR(Unwrap(leaf, acta.leaf_hash));
  ACTA_RETURN_IF_ERROR(Unwrap(r1, table_id));
  ACTA_RETURN_IF_ERROR(Unwrap(r2, correction));
  ACTA_RETURN_IF_ERROR(Unwrap(r3, bytes));
  ACTA_RETURN_IF_ERROR(Unwrap(r4, lane));
  ACTA_RETURN_IF_ERROR(Unwrap(r5, received));
  ACTA_RETURN_IF_ERROR(Unwrap(r6, receipt));
  ACTA_RETURN_IF_ERROR(Unwrap(conflict, acta.conflict));
  constexpr int64_t kMaxU32 = std::numeric_limits<uint32_t>::max();
  if (table_id < 0 || table_id > kMaxU32 || correction < 0 || correction > kMaxU32 ||
      received < 0) {
    return MakeError(ErrorCode::kCorruption, "stored acta row has an out-of-range number");
  }
  if (lane != 0 && lane != 1) {
    return MakeError(ErrorCode::kCorruption, "stored lane " + std::to_string(lane));
  }
  if (receipt.size() != kReceiptSize) {
    return MakeError(ErrorCode::kCorruption,
                     "stored receipt has " + std::to_string(receipt.size()) + " bytes");
  }
  acta.table_id = static_cast<uint32_t>(table_id);
  acta.correction = static_cast<uint32_t>(correction);
  acta.bytes.assign(bytes.begin(), bytes.end());
  acta.lane = static_cast<Lane>(lane);
  acta.received_at_ms = static_cast<uint64_t>(received);
  acta.receipt.assign(receipt.begin(), receipt.end());
  if (!rows.IsNull(row, 8)) {
    auto seq = rows.Int8(row, 8);
    if (!seq) return std::unexpected(std::move(seq).error());
    if (*seq < 0) return MakeError(ErrorCode::kCorruption, "stored seq is negative");
    acta.seq = static_cast<uint64_t>(*seq);
  }
  return acta;
}

Result<std::vector<StoredCheckpoint>> ReadCheckpoints(const QueryResult& rows) {
  std::vector<StoredCheckpoint> out;
  for (int i = 0; i < rows.Rows(); ++i) {
    StoredCheckpoint checkpoint;
    auto size = rows.Int8(i, 0);
    auto root = ReadHash(rows, i, 1, "checkpoint root");
    auto note = rows.Bytes(i, 2);
    auto created = rows.Int8(i, 3);
    if (!size) return std::unexpected(std::move(size).error());
    if (!root) return std::unexpected(std::move(root).error());
    if (!note) return std::unexpected(std::move(note).error());
    if (!created) return std::unexpected(std::move(created).error());
    if (*size < 0 || *created < 0) {
      return MakeError(ErrorCode::kCorruption, "stored checkpoint has a negative number");
    }
    checkpoint.size = static_cast<uint64_t>(*size);
    checkpoint.root = *root;
    checkpoint.note = std::string(AsChars(*note));
    checkpoint.created_at_ms = static_cast<uint64_t>(*created);
    out.push_back(std::move(checkpoint));
  }
  return out;
}

Result<std::vector<StoredCosignature>> ReadCosignatures(const QueryResult& rows) {
  std::vector<StoredCosignature> out;
  for (int i = 0; i < rows.Rows(); ++i) {
    StoredCosignature c;
    auto size = rows.Int8(i, 0);
    auto root = ReadHash(rows, i, 1, "cosignature root");
    auto witness = rows.Int8(i, 2);
    auto line = rows.Bytes(i, 3);
    if (!size) return std::unexpected(std::move(size).error());
    if (!root) return std::unexpected(std::move(root).error());
    if (!witness) return std::unexpected(std::move(witness).error());
    if (!line) return std::unexpected(std::move(line).error());
    if (*size < 0 || *witness < 0 || *witness > UINT32_MAX) {
      return MakeError(ErrorCode::kCorruption, "stored cosignature out of range");
    }
    c.size = static_cast<uint64_t>(*size);
    c.root = *root;
    c.witness = static_cast<uint32_t>(*witness);
    c.line.assign(AsChars(*line));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace acta::store::pg
