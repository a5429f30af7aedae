// `acta witness` and `acta witness keygen` (cmd_witness.cc).
#pragma once

#include "cli/command.h"

namespace acta::cli {

void RegisterWitness(CLI::App& app, RunFn& run);

}  // namespace acta::cli
