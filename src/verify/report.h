// What the verifier found: counts of what it checked and every problem, each
// naming the exact table, log entry, checkpoint or file involved, so a
// person (or a test) can go straight to the evidence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::verify {

enum class ProblemKind {
  kMissingFile,          // a file the dump must have is absent
  kMalformedFile,        // a file does not parse (JSON, bundle, note)
  kChecksum,             // the dump's SHA256SUMS does not match a file
  kManifest,             // manifest does not parse, bad signature, pin mismatch
  kEntry,                // a log entry does not decode or its acta does not verify
  kCheckpointSignature,  // no valid signature by a center key of the manifest
  kCheckpointOrigin,     // origin is not acta/<election id>
  kCheckpointMismatch,   // checkpoints.json fields disagree with the signed note
  kCheckpointRoot,       // root differs from the tree recomputed from the entries
  kCheckpointBeyondLog,  // size larger than the entries the log serves
  kShrink,               // a later checkpoint is smaller than an earlier one
  kFork,                 // two different roots for one size
  kRollback,             // the log is now smaller than a remembered checkpoint
  kBulletin,             // a published bulletin differs from the recomputed one
  kConflictNotFlagged,   // two different validly signed actas, no conflict flag
  kCsv,                  // tables.csv differs from the recomputed one
  kState,                // the remembered state file is unusable
  kInclusion,            // (observer) the acta is not in the log, or its proof fails
  kTableStatus,          // (observer) the table is not counted with the acta's counts
  kWitnessSignature,     // a cosignature by a witness of the manifest does not verify
  kWitnessQuorum,        // --require-witnesses: the pinned checkpoint is below quorum
};
std::string_view ProblemKindName(ProblemKind kind);  // "entry", "fork", ...

struct Problem {
  ProblemKind kind;
  std::string message;
  std::optional<uint64_t> entry;       // log index
  std::optional<uint32_t> table;       // table id
  std::optional<uint64_t> checkpoint;  // checkpoint size
  std::string where;                   // file, or JSON path of a difference
  std::optional<ErrorCode> code;       // underlying error, when there is one
};

struct Report {
  Hash256 election_id{};
  bool manifest_verified = false;
  uint64_t tables = 0;         // in the manifest
  uint64_t entries = 0;        // log entries read
  uint64_t entries_valid = 0;  // decoded and verified against the manifest
  uint64_t checkpoints = 0;    // checkpoints checked
  uint64_t bulletins = 0;      // bulletins compared
  bool csv_compared = false;
  uint64_t tables_counted = 0;     // in the recomputed tally at the latest checkpoint
  uint64_t tables_conflicted = 0;  // same
  uint64_t latest_size = 0;        // the pinned checkpoint: everything is verified up to it
  Hash256 latest_root{};
  // Checkpoints published after the pinned one while the log was read: each
  // proven to extend it, or unproven when the source gives no proof (a
  // static mirror); never judged against entries that were not read.
  uint64_t later_checkpoints = 0;
  uint64_t later_consistent = 0;
  uint64_t later_unproven = 0;
  std::string latest_note;  // the latest checkpoint's signed note, if it verified
  // Witnesses (the manifest's policy) and who cosigned what.
  struct Cosigned {
    uint64_t size = 0;
    std::vector<std::string> witnesses;  // names, in manifest order
  };
  uint64_t witnesses_listed = 0;
  uint64_t witness_quorum = 0;
  std::vector<Cosigned> cosigned;  // checkpoints with a valid cosignature, in signing order
  std::vector<std::string> latest_witnesses;  // who cosigned the latest checkpoint
  bool latest_quorum = false;                 // latest_witnesses reach witness_quorum
  uint64_t problems_total = 0;                // problems.size() plus those dropped past the cap
  std::vector<Problem> problems;              // first kMaxProblems, in the order found

  static constexpr size_t kMaxProblems = 1000;
  bool ok() const { return problems_total == 0; }
  void Add(Problem p);
  // Problems of one kind (tests).
  std::vector<const Problem*> Of(ProblemKind kind) const;
  // Whether a problem of `kind` names entry/table/checkpoint (those given).
  bool Has(ProblemKind kind, std::optional<uint64_t> entry = std::nullopt,
           std::optional<uint32_t> table = std::nullopt,
           std::optional<uint64_t> checkpoint = std::nullopt) const;
};

// One line per problem: "<kind>: [checkpoint N] [entry N] [table N] message".
std::string FormatProblem(const Problem& p);
// The summary table and the first `max_problems` problems, for a terminal.
std::string FormatReport(const Report& report, size_t max_problems = 20);

}  // namespace acta::verify
