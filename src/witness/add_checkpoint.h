// The body of a C2SP tlog-witness add-checkpoint request
// (https://c2sp.org/tlog-witness):
//
//   "old <size>\n"              decimal, no leading zeros ("0" for zero)
//   "<base64 hash>\n" x 0..63   RFC 6962 consistency proof, old -> new size
//   "\n"
//   <signed checkpoint note>
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::witness {

constexpr size_t kMaxProofLines = 63;

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<Hash256> proof;
  std::string checkpoint;  // the signed note, as sent

  bool operator==(const AddCheckpointRequest&) const = default;
};

// Strict parse of the framing (the checkpoint note itself is parsed by the
// caller). Errors (all kMalformed, a 400): no "old " line, a size with
// leading zeros or above 2^64-1, a proof line that is not canonical base64
// of 32 bytes, more than 63 proof lines, no empty line, nothing after it.
[[nodiscard]] Result<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body);

[[nodiscard]] std::string FormatAddCheckpoint(const AddCheckpointRequest& request);

// The 409 body, "<size>\n" (Content-Type text/x.tlog.size), and its parse
// (kMalformed unless exactly that).
[[nodiscard]] std::string FormatTreeSize(uint64_t size);
[[nodiscard]] Result<uint64_t> ParseTreeSize(std::string_view body);

}  // namespace acta::witness
