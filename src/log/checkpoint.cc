#include "log/checkpoint.h"

#include <algorithm>
#include <limits>

#include "log/note.h"

namespace acta::log {
namespace {

// A line is usable if it is non-empty and, followed by "\n", is valid note
// text (UTF-8, no control characters, which rules out embedded newlines).
bool IsValidLine(std::string_view line) {
  if (line.empty()) return false;
  std::string with_eol(line);
  with_eol += '\n';
  return ValidateNoteText(with_eol).has_value() &&
         std::count(with_eol.begin(), with_eol.end(), '\n') == 1;
}

Result<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty()) return MakeError(ErrorCode::kMalformed, "checkpoint: empty tree size");
  if (s.size() > 1 && s[0] == '0') {
    return MakeError(ErrorCode::kMalformed, "checkpoint: tree size has a leading zero");
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return MakeError(ErrorCode::kMalformed, "checkpoint: tree size is not decimal");
    }
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      return MakeError(ErrorCode::kMalformed, "checkpoint: tree size does not fit 64 bits");
    }
    v = v * 10 + d;
  }
  return v;
}

}  // namespace

std::string LogOrigin(const Hash256& election_id) { return "acta/" + HexEncode(election_id); }

Status ValidateCheckpoint(const Checkpoint& checkpoint) {
  if (!IsValidLine(checkpoint.origin)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "checkpoint origin must be a non-empty line of UTF-8 text");
  }
  for (const std::string& ext : checkpoint.extensions) {
    if (!IsValidLine(ext)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "checkpoint extension lines must be non-empty lines of UTF-8 text");
    }
  }
  return Ok();
}

std::string CheckpointText(const Checkpoint& checkpoint) {
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(checkpoint.root) + "\n";
  for (const std::string& ext : checkpoint.extensions) text += ext + "\n";
  return text;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (auto ok = ValidateNoteText(text); !ok) {
    return MakeError(ErrorCode::kMalformed, "checkpoint: " + ok.error().message);
  }
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t eol = text.find('\n');  // exists: the text ends in "\n"
    lines.push_back(text.substr(0, eol));
    text.remove_prefix(eol + 1);
  }
  if (lines.size() < 3) {
    return MakeError(ErrorCode::kMalformed, "checkpoint: fewer than 3 lines");
  }
  Checkpoint cp;
  if (lines[0].empty()) return MakeError(ErrorCode::kMalformed, "checkpoint: empty origin");
  cp.origin = std::string(lines[0]);
  auto size = ParseDecimal(lines[1]);
  if (!size) return std::unexpected(std::move(size).error());
  cp.size = *size;
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != cp.root.size()) {
    return MakeError(ErrorCode::kMalformed,
                     "checkpoint: root hash is not canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return MakeError(ErrorCode::kMalformed, "checkpoint: empty extension line");
    }
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

std::string SignCheckpoint(const Checkpoint& checkpoint, const NamedSigningKey& key) {
  if (!ValidateCheckpoint(checkpoint)) return std::string();
  // The text of a valid checkpoint is always valid note text, so SignNote
  // cannot fail here.
  return SignNote(CheckpointText(checkpoint), key).value_or(std::string());
}

Result<Checkpoint> ParseAndVerifyCheckpoint(std::string_view note, const VerifierKey& key,
                                            std::string_view expected_origin) {
  auto parsed = ParseNote(note);
  if (!parsed) return std::unexpected(std::move(parsed).error());
  // The text means nothing until a trusted key vouches for it, so the
  // signature is checked before the text is interpreted.
  ACTA_RETURN_IF_ERROR(VerifyNote(*parsed, key));
  auto cp = ParseCheckpointText(parsed->text);
  if (!cp) return cp;
  if (cp->origin != expected_origin) {
    return MakeError(ErrorCode::kWrongElection, "checkpoint: origin \"" + cp->origin +
                                                    "\" is not the expected \"" +
                                                    std::string(expected_origin) + "\"");
  }
  return cp;
}

Result<Checkpoint> ParseCheckpointUnverified(std::string_view note) {
  auto parsed = ParseNote(note);
  if (!parsed) return std::unexpected(std::move(parsed).error());
  return ParseCheckpointText(parsed->text);
}

}  // namespace acta::log
