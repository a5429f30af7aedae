// The end-of-run checks of the chaos tests (issue #7): after kills and
// restarts, the log and the tally must be exactly what they would be without
// them. Failures are reported as GoogleTest failures naming the table,
// entry or checkpoint.
#pragma once

#include <string>
#include <vector>

#include "core/election_secrets.h"
#include "tests/center/chaos_load.h"
#include "tests/center/chaos_watch.h"

namespace acta::testing::chaos {

struct FinalCheckInput {
  const ElectionMaterial* election = nullptr;
  std::string db_url;                // the shared store (its checkpoints table is read)
  std::string public_url;            // a running node: everything is fetched from it
  std::vector<SeenCheckpoint> seen;  // published during the run (CheckpointWatcher)
  std::vector<TableDelivery> deliveries;
  std::vector<Acta> actas;  // what each table sent (TerminalLoad::actas)
  std::string work_dir;     // for the state file of `acta verify`
};

struct FinalCheckSummary {
  uint64_t log_size = 0;
  size_t checkpoints_checked = 0;  // distinct notes: seen during the run + stored
  size_t stored_checkpoints = 0;
};

// Checks, each as EXPECT-style failures:
//  1. every table got a verified receipt for exactly the acta it sent;
//  2. the public verifier (verify::FetchCenter + VerifyFiles from the node)
//     finds no problem, with every checkpoint ever seen or stored given to
//     it as remembered state (so a fork or rollback of any of them fails);
//  3. every receipted leaf hash is in the log exactly once, and the log
//     holds nothing else;
//  4. every checkpoint seen or stored is signed by a center key of the
//     manifest and its root equals the final tree's root at its size;
//  5. `acta verify --center URL --state FILE` (the CLI a citizen runs), with
//     every checkpoint seen or stored in FILE, exits 0;
//  6. the latest bulletin's country totals (per contest: each candidate,
//     blank, null; ballots cast; tables counted) equal the sum of the truth.
FinalCheckSummary CheckFinalState(const FinalCheckInput& in);

}  // namespace acta::testing::chaos
