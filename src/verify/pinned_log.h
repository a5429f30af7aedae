// The log as it stood at one published checkpoint, read from a center's
// published files (a dump directory, or the same files fetched into
// memory), with the checks an audit pinned to that checkpoint relies on:
// the manifest's authority signature, the checkpoint's center signature and
// origin, and the Merkle root of the entries [0, size) equal to the
// checkpoint's root. (`acta verify` checks the rest: every acta's
// signature, the other checkpoints, the bulletins.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/manifest.h"
#include "log/checkpoint.h"
#include "tally/tally.h"
#include "verify/files.h"

namespace acta::verify {

struct PinnedLog {
  std::unique_ptr<Manifest> manifest;  // the tally points into it
  log::Checkpoint checkpoint;
  std::string note;  // the signed checkpoint note, as published
  // The tally after applying entries [0, size) in log order, exactly as a
  // center applies them.
  std::unique_ptr<tally::Tally> tally;
};

// Errors: the manifest's error (kNotFound, kMalformed, kBadSignature...);
// kNotFound when no validly signed checkpoint of that size is published
// (the message lists the sizes that are) or the files hold fewer entries;
// kCorruption when the entries' root differs from the checkpoint's.
[[nodiscard]] Result<PinnedLog> LoadPinnedLog(const Files& files, uint64_t size);

}  // namespace acta::verify
