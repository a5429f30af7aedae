// The verifier's individual checks (verifier.h runs them in order). Each
// adds what it finds to the Report and returns what later checks need.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/acta.h"
#include "core/manifest.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "verify/files.h"
#include "verify/report.h"
#include "verify/state.h"
#include "verify/verifier.h"

namespace acta::verify::internal {

// One published checkpoint: from checkpoints.json, or the separate latest
// "checkpoint" file when it is not the last one listed.
struct PublishedCp {
  size_t index = 0;   // position in signing order
  uint64_t size = 0;  // from the note when it parses, else from the JSON
  Hash256 root{};
  uint64_t created_at_ms = 0;
  std::string note;
  bool parsed = false;            // the note's text parsed
  bool signed_ok = false;         // signed by a manifest center key, right origin
  bool latest_file_only = false;  // from the "checkpoint" file, not in the list (no created_at_ms)
  bool after_pin = false;         // listed after the pinned ("checkpoint") one: later news
  std::vector<std::string> witnesses;  // names of the manifest's witnesses that cosigned it
};

struct EntryInfo {
  Hash256 leaf{};
  ActaBody body;  // empty when the entry does not decode
  bool decoded = false;
  bool valid = false;  // decoded and VerifyActa passed
};

// A table with two different validly signed actas: entries `first` and `second`.
struct ConflictPair {
  uint32_t table = 0;
  uint64_t first = 0;
  uint64_t second = 0;
};

std::optional<Manifest> CheckManifest(const Files& files, const VerifyOptions& options,
                                      Report& report);

// Loads and checks signatures, origins, JSON-vs-note fields, shrinking and
// forks among the published checkpoints.
std::vector<PublishedCp> CheckCheckpoints(const Files& files, const Manifest& manifest,
                                          Report& report);
// The latest checkpoint must reach the manifest's witness quorum.
void RequireWitnesses(const Manifest& manifest, Report& report);

// Entries [0, size) from the entry bundles; stops at the first missing or
// malformed bundle (reported).
std::vector<Bytes> LoadEntries(const Files& files, uint64_t size, Report& report);

// Decodes and verifies every entry on options.threads workers.
std::vector<EntryInfo> CheckEntries(const Manifest& manifest, std::span<const Bytes> entries,
                                    const VerifyOptions& options, Report& report);
std::vector<ConflictPair> FindConflicts(const Manifest& manifest, std::span<const Bytes> entries,
                                        std::span<const EntryInfo> infos);

// Roots of published checkpoints and remembered ones against the tree.
void CheckTree(const log::MerkleTree& tree, std::span<const PublishedCp> checkpoints,
               const Manifest& manifest, const VerifierState* state, Report& report);

// Checkpoints listed after the pinned one, and remembered ones beyond its
// size: each must extend the pinned checkpoint (consistency proofs in the
// files); a remembered one larger than anything published is a rollback.
void CheckLaterCheckpoints(const Files& files, std::span<const PublishedCp> checkpoints,
                           const VerifierState* state, Report& report);

// The hashes of a consistency proof as /v1/proof/consistency serves it
// ({"from","to","hashes":[hex...]}), which must be for (from, to).
// Errors: kMalformed.
Result<std::vector<Hash256>> ParseConsistencyProofJson(ByteSpan data, uint64_t from, uint64_t to);

// Bulletins, tables.csv and conflict flags against the recomputed tally.
void CheckTally(const Files& files, const Manifest& manifest, std::span<const EntryInfo> infos,
                std::span<const ConflictPair> conflicts, std::span<const PublishedCp> checkpoints,
                const VerifyOptions& options, Report& report);

}  // namespace acta::verify::internal

namespace acta::verify::internal {

// Verifies a checkpoint note: signed by a center key the manifest lists,
// origin acta/<election id>. Errors: kMalformed, kBadSignature,
// kWrongElection.
[[nodiscard]] Result<log::Checkpoint> VerifyCenterCheckpoint(std::string_view note,
                                                             const Manifest& manifest);

}  // namespace acta::verify::internal
