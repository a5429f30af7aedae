#include "witness/add_checkpoint.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace acta::witness {
namespace {

// Decimal without leading zeros ("0" only for zero) that fits 64 bits.
Result<uint64_t> ParseSize(std::string_view s, std::string_view what) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() ||
      (s.size() > 1 && s[0] == '0')) {
    return MakeError(ErrorCode::kMalformed,
                     std::string(what) + ": not a decimal size without leading zeros");
  }
  return v;
}

}  // namespace

Result<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body) {
  AddCheckpointRequest out;
  auto next_line = [&body]() -> std::optional<std::string_view> {
    const size_t eol = body.find('\n');
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol + 1);
    return line;
  };
  auto first = next_line();
  if (!first || !first->starts_with("old ")) {
    return MakeError(ErrorCode::kMalformed,
                     "add-checkpoint: the first line must be \"old <size>\"");
  }
  auto old = ParseSize(first->substr(4), "add-checkpoint: old size");
  if (!old) return std::unexpected(old.error());
  out.old_size = *old;
  for (;;) {
    auto line = next_line();
    if (!line) {
      return MakeError(ErrorCode::kMalformed,
                       "add-checkpoint: no empty line before the checkpoint");
    }
    if (line->empty()) break;
    if (out.proof.size() == kMaxProofLines) {
      return MakeError(ErrorCode::kMalformed, "add-checkpoint: more than 63 proof lines");
    }
    auto hash = Base64Decode(*line);
    if (!hash || hash->size() != 32) {
      return MakeError(ErrorCode::kMalformed, "add-checkpoint: proof line " +
                                                  std::to_string(out.proof.size() + 1) +
                                                  " is not canonical base64 of 32 bytes");
    }
    Hash256 h;
    std::copy(hash->begin(), hash->end(), h.begin());
    out.proof.push_back(h);
  }
  if (body.empty()) return MakeError(ErrorCode::kMalformed, "add-checkpoint: no checkpoint");
  out.checkpoint = std::string(body);
  return out;
}

std::string FormatAddCheckpoint(const AddCheckpointRequest& request) {
  std::string out = "old " + std::to_string(request.old_size) + "\n";
  for (const Hash256& h : request.proof) out += Base64Encode(h) + "\n";
  out += "\n";
  out += request.checkpoint;
  return out;
}

std::string FormatTreeSize(uint64_t size) { return std::to_string(size) + "\n"; }

Result<uint64_t> ParseTreeSize(std::string_view body) {
  if (!body.ends_with('\n')) {
    return MakeError(ErrorCode::kMalformed, "tree size: does not end in a newline");
  }
  return ParseSize(body.substr(0, body.size() - 1), "tree size");
}

}  // namespace acta::witness
