// `acta election cosign`, a subcommand of `acta election` (cmd_election.cc).
#pragma once

#include "cli/command.h"

namespace acta::cli {

void RegisterElectionCosign(CLI::App& election, RunFn& run);

}  // namespace acta::cli
