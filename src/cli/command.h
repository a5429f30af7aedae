// How subcommands plug into the `acta` binary: each Register* function adds
// its CLI11 subcommand and, when that subcommand is chosen, stores the
// function main() runs. Commands return a process exit code and print errors
// as one line on stderr (see ReportError).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/error.h"

namespace acta::cli {

using RunFn = std::function<int()>;

// Exit codes shared by all commands.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the operation failed or found a problem
constexpr int kExitUsage = 2;    // bad command line

// Prints "acta <command>: <code>: <message>" on stderr and returns kExitFailure.
int ReportError(std::string_view command, const Error& error);

void RegisterElection(CLI::App& app, RunFn& run);
void RegisterSign(CLI::App& app, RunFn& run);
void RegisterInspect(CLI::App& app, RunFn& run);
void RegisterPrint(CLI::App& app, RunFn& run);
void RegisterKeygen(CLI::App& app, RunFn& run);
void RegisterCenter(CLI::App& app, RunFn& run);
void RegisterDump(CLI::App& app, RunFn& run);
void RegisterMirror(CLI::App& app, RunFn& run);
void RegisterVerify(CLI::App& app, RunFn& run);
void RegisterMonitor(CLI::App& app, RunFn& run);
void RegisterTerminal(CLI::App& app, RunFn& run);
void RegisterSubmit(CLI::App& app, RunFn& run);
void RegisterCompare(CLI::App& app, RunFn& run);
void RegisterDemo(CLI::App& app, RunFn& run);
void RegisterAttack(CLI::App& app, RunFn& run);
void RegisterAudit(CLI::App& app, RunFn& run);

}  // namespace acta::cli
