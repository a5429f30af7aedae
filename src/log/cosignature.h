// C2SP tlog-cosignature, cosignature/v1 (https://c2sp.org/tlog-cosignature):
// a witness's timestamped Ed25519 signature over a checkpoint, carried as
// one more signature line of the checkpoint's signed note. The key is a
// vkey of signature type 0x04 (core/cosigner_keys.h); the signature bytes
// after the key id are
//
//   8-byte big-endian timestamp (Unix seconds, 1..2^63-1) || 64-byte Ed25519
//
// over the message "cosignature/v1\ntime <timestamp>\n" || checkpoint text.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/cosigner_keys.h"
#include "core/error.h"
#include "log/note.h"

namespace acta::log {

constexpr size_t kCosignatureSize = 8 + kSignatureSize;
constexpr uint64_t kMaxCosignatureTime = (uint64_t{1} << 63) - 1;

// The signed message for `checkpoint_text` (the note text, final "\n"
// included, no signature lines) at `timestamp`.
[[nodiscard]] std::string CosignatureMessage(std::string_view checkpoint_text, uint64_t timestamp);

// The signature line a witness returns. Errors: kInvalidArgument if the
// timestamp is 0 or above 2^63-1; kMalformed if the text is not a note text.
[[nodiscard]] Result<NoteSignature> Cosign(std::string_view checkpoint_text,
                                           const NamedCosignerKey& key, uint64_t timestamp);

// Checks one cosignature (the bytes after the key id) by `key` over
// `checkpoint_text`; returns its timestamp. Errors: kBadSignature (wrong
// length, timestamp 0 or above 2^63-1, or the signature does not verify).
[[nodiscard]] Result<uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                                 ByteSpan signature, const CosignerKey& key);

}  // namespace acta::log
