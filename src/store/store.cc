#include "store/store.h"

#include <cstdint>
#include <limits>
#include <string>

#include "core/acta.h"
#include "core/receipt.h"

namespace acta::store {
namespace {
constexpr uint64_t kMaxTimeMs = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}  // namespace

Status ValidateAccepted(const AcceptedActa& acta) {
  if (acta.bytes.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "accepted acta has no bytes");
  }
  // A wrong leaf hash would make the row unfindable and the log unverifiable,
  // so it is refused here rather than trusted.
  if (LeafHashOf(acta.bytes) != acta.leaf_hash) {
    return MakeError(ErrorCode::kInvalidArgument, "leaf_hash " + HexEncode(acta.leaf_hash) +
                                                      " is not the leaf hash of the acta bytes");
  }
  if (acta.receipt.size() != kReceiptSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "receipt must be " + std::to_string(kReceiptSize) + " bytes, got " +
                         std::to_string(acta.receipt.size()));
  }
  if (acta.lane != Lane::kTerminal && acta.lane != Lane::kPublic) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown lane " + std::to_string(static_cast<int>(acta.lane)));
  }
  if (acta.received_at_ms > kMaxTimeMs) {
    return MakeError(ErrorCode::kInvalidArgument, "received_at_ms out of range");
  }
  if (acta.seq.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "seq must be unset on insert; only Sequence assigns it");
  }
  return Ok();
}

Status ValidateCheckpoint(const StoredCheckpoint& checkpoint) {
  if (checkpoint.note.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "checkpoint note is empty");
  }
  if (checkpoint.created_at_ms > kMaxTimeMs) {
    return MakeError(ErrorCode::kInvalidArgument, "checkpoint created_at_ms out of range");
  }
  return Ok();
}

Status ValidateCosignature(const StoredCosignature& cosignature) {
  const std::string& line = cosignature.line;
  if (line.size() < 2 || line.back() != '\n' || line.find('\n') != line.size() - 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cosignature line must be one non-empty line ending in a newline");
  }
  return Ok();
}

Status CheckCheckpointPlacement(const StoredCheckpoint& checkpoint, uint64_t log_size,
                                bool exact_size, const std::optional<StoredCheckpoint>& latest) {
  ACTA_RETURN_IF_ERROR(ValidateCheckpoint(checkpoint));
  if (exact_size ? checkpoint.size != log_size : checkpoint.size > log_size) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "checkpoint of size " + std::to_string(checkpoint.size) +
                         " does not match a log of " + std::to_string(log_size) +
                         " sequenced entries");
  }
  if (latest && checkpoint.size < latest->size) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "checkpoint of size " + std::to_string(checkpoint.size) +
                         " is older than the latest stored checkpoint (size " +
                         std::to_string(latest->size) + ")");
  }
  return Ok();
}

Status CheckSchemaNotNewer(int64_t stored_version, int64_t supported_version) {
  if (stored_version > supported_version) {
    return MakeError(ErrorCode::kUnsupportedVersion, "store schema version " +
                                                         std::to_string(stored_version) +
                                                         " is newer than this build supports (" +
                                                         std::to_string(supported_version) + ")");
  }
  return Ok();
}

Status CheckFencedArguments(const TreeHead& expected, size_t leaf_count, const TreeHead& next) {
  if (next.size != expected.size + leaf_count) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "fenced sequence: next head size " + std::to_string(next.size) + " is not " +
                         std::to_string(expected.size) + " + " + std::to_string(leaf_count));
  }
  if (leaf_count == 0 && next != expected) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "fenced sequence: no leaves, but the next root differs from the expected one");
  }
  return Ok();
}

Status CheckStoredHead(const TreeHead& expected, uint64_t stored_size,
                       const std::optional<Hash256>& stored_root) {
  if (stored_size == expected.size && (!stored_root || *stored_root == expected.root)) return Ok();
  return MakeError(ErrorCode::kFailedPrecondition,
                   "fenced sequence refused: the store's head is size " +
                       std::to_string(stored_size) + " root " +
                       (stored_root ? HexEncode(*stored_root) : std::string("(unknown)")) +
                       ", the sequencer expected size " + std::to_string(expected.size) + " root " +
                       HexEncode(expected.root));
}

}  // namespace acta::store
