// C2SP tlog-checkpoints (https://c2sp.org/tlog-checkpoint): a signed note
// (note.h) whose text is
//
//   <origin>\n<tree size, decimal>\n<base64 of the 32-byte root>\n[<extension>\n...]
//
// acta's origin for an election is LogOrigin(election_id) = "acta/" followed
// by the 64 lowercase hex digits of the election id (docs/FORMATS.md). Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/keys.h"

namespace acta::log {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash256 root{};
  // Opaque extension lines, without their "\n". We never add any; parsing
  // keeps those of others.
  std::vector<std::string> extensions;

  bool operator==(const Checkpoint&) const = default;
};

// "acta/" + lowercase hex of the election id.
[[nodiscard]] std::string LogOrigin(const Hash256& election_id);

// Checks what the text format needs: non-empty origin and extension lines,
// no newline or other control character in them, valid UTF-8.
// Errors: kInvalidArgument.
[[nodiscard]] Status ValidateCheckpoint(const Checkpoint& checkpoint);

// The note text (body) of a checkpoint. REQUIRES ValidateCheckpoint is OK.
[[nodiscard]] std::string CheckpointText(const Checkpoint& checkpoint);
// Strict parse of a note text: three or more lines each ending in "\n",
// non-empty origin, size in decimal without leading zeros (so "0" only for
// the empty tree) that fits 64 bits, root in canonical base64 of exactly 32
// bytes, non-empty extension lines. Errors: kMalformed.
[[nodiscard]] Result<Checkpoint> ParseCheckpointText(std::string_view text);

// The signed note: text, blank line, one Ed25519 signature line by `key`.
// REQUIRES ValidateCheckpoint(checkpoint) is OK (origins come from our own
// configuration, never from the network); if not, returns "".
[[nodiscard]] std::string SignCheckpoint(const Checkpoint& checkpoint, const NamedSigningKey& key);

// Parses a signed checkpoint and verifies it. Signatures by other keys are
// ignored (witness cosignatures, rotated keys); at least one signature by
// `key` must verify and none by `key` may fail. Errors: kMalformed (note or
// text form), kBadSignature (no signature by `key`, or one that fails),
// kWrongElection (origin differs from `expected_origin`).
[[nodiscard]] Result<Checkpoint> ParseAndVerifyCheckpoint(std::string_view note,
                                                          const VerifierKey& key,
                                                          std::string_view expected_origin);

// The same strict parse of the note and its text, but no signature is
// checked and any origin is accepted: for tools that display checkpoints.
// Errors: kMalformed.
[[nodiscard]] Result<Checkpoint> ParseCheckpointUnverified(std::string_view note);

}  // namespace acta::log
