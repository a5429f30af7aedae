// A k-of-n rule over the signers of a signed note: the note counts only when
// at least `threshold` of `keys` signed it. One implementation for every
// many-signature note acta reads: a checkpoint's witness cosignatures now,
// the co-signed manifest (authority plus parties' representatives) next.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "core/error.h"
#include "core/keys.h"
#include "log/note.h"

namespace acta::log {

struct SignerQuorum {
  // Plain Ed25519 note keys (type 0x01) or cosignature/v1 keys (0x04);
  // distinct (name, key id) pairs.
  std::vector<NoteKey> keys;
  size_t threshold = 0;  // 0: the note counts without any of them
};

struct QuorumCheck {
  std::vector<NoteSigner> signers;  // keys with a valid signature, in key order
  bool met = false;                 // signers.size() >= threshold
};

// Verifies every signature of `note` by one of `quorum.keys`, ignores the
// others (unknown keys). Below the threshold is not an error: see `met`.
// Errors: kBadSignature when a signature by one of the keys fails (the spec
// says to reject the whole note).
[[nodiscard]] Result<QuorumCheck> CheckQuorum(const Note& note, const SignerQuorum& quorum);

}  // namespace acta::log
