// The public verifier: checks everything a center published, without
// trusting the center. Input is the set of published files (a dump
// directory, or the same files fetched into memory); output is a Report
// listing every problem with the exact table, entry and checkpoint.
//
// Checks, in order (docs/ARCHITECTURE.md, "Verification"):
//  1. the dump's SHA256SUMS, when present;
//  2. the manifest: tables.bin hash, the authority signature, the optional
//     authority and election id pins;
//  3. every checkpoint in checkpoints.json and the latest one: a valid
//     signature by a center key listed in the manifest, origin
//     acta/<election id>, the JSON fields equal to the signed note, sizes
//     that never shrink, never two roots for one size; the cosignatures of
//     the manifest's witnesses (which witnesses signed each checkpoint; a
//     failing one is a problem; with require_witnesses, the pinned
//     checkpoint, the "checkpoint" file, must reach the manifest's quorum);
//  4. every log entry (in a thread pool): it decodes and its acta verifies
//     against the manifest (VerifyActa: election, table, shape, signature);
//  5. the Merkle tree recomputed from the entries: each checkpoint's root
//     at its size, and every remembered checkpoint (options.state): the log
//     must still have it (else rollback) with the same root (else fork);
//  6. the tally recomputed in log order exactly as a center applies it:
//     every bulletin/<size>.json byte for byte against tally::BuildBulletin
//     (generated_at = the checkpoint's created_at_ms / 1000), with the first
//     difference named; tables.csv byte for byte against tally::TableCsv;
//     every table with two different validly signed actas must carry the
//     conflict flag in every bulletin that covers the second one.
//
// Thread-safety: VerifyFiles may run concurrently on different inputs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/keys.h"
#include "verify/files.h"
#include "verify/report.h"
#include "verify/state.h"

namespace acta::verify {

// stage: "manifest", "entries", "tree", "checkpoints", "tally".
using ProgressFn = std::function<void(std::string_view stage, uint64_t done, uint64_t total)>;

struct VerifyOptions {
  std::optional<VerifierKey> pinned_authority;
  std::optional<Hash256> expected_election_id;
  // Checkpoints remembered from earlier runs; nullptr: none.
  const VerifierState* state = nullptr;
  unsigned threads = 0;  // signature workers; 0: every core
  // The pinned checkpoint must carry the manifest's witness quorum (and the
  // manifest must list witnesses); FetchOptions::pin_cosigned picks it.
  bool require_witnesses = false;
  ProgressFn progress;  // called from the calling thread only
};

// Never fails: everything found goes into the report.
[[nodiscard]] Report VerifyFiles(const Files& files, const VerifyOptions& options = {});

// The open-data table CSV recomputed from the entries of `files` at log size
// `size`, exactly as tally::TableCsv writes it (the manifest's signature is
// checked first). Errors: the manifest's error, kNotFound when the files
// hold fewer than `size` entries.
[[nodiscard]] Result<std::string> RecomputeTableCsv(const Files& files, uint64_t size);

// `previous` plus the report's latest checkpoint, for saving after a run
// with report.ok(). Errors: kFailedPrecondition if the report is not ok,
// kWrongElection if `previous` belongs to another log.
[[nodiscard]] Result<VerifierState> UpdatedState(const VerifierState& previous,
                                                 const Report& report);

}  // namespace acta::verify
