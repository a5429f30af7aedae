// The `acta` binary: every tool of the system behind one command.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cmd_witness.h"
#include "cli/command.h"
#include "core/crypto.h"

int main(int argc, char** argv) {
  acta::InitCrypto();
  // Logs go to stderr, unbuffered, as every command's help and
  // docs/OPERATIONS.md say: stdout carries results (URLs, --json) and, when
  // it is a pipe (systemd's journal), is block-buffered.
  spdlog::set_default_logger(spdlog::stderr_color_mt("acta"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App app{
      "acta: carries signed election results from every polling table to the totalization\n"
      "centers and to the public, and lets anyone recompute every published number.",
      "acta"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "acta 0.1.0");
  acta::cli::RunFn run;
  acta::cli::RegisterElection(app, run);
  acta::cli::RegisterKeygen(app, run);
  acta::cli::RegisterSign(app, run);
  acta::cli::RegisterInspect(app, run);
  acta::cli::RegisterPrint(app, run);
  acta::cli::RegisterCenter(app, run);
  acta::cli::RegisterDump(app, run);
  acta::cli::RegisterMirror(app, run);
  acta::cli::RegisterVerify(app, run);
  acta::cli::RegisterMonitor(app, run);
  acta::cli::RegisterTerminal(app, run);
  acta::cli::RegisterSubmit(app, run);
  acta::cli::RegisterCompare(app, run);
  acta::cli::RegisterDemo(app, run);
  acta::cli::RegisterAttack(app, run);
  acta::cli::RegisterAudit(app, run);
  acta::cli::RegisterWitness(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "acta: %s (run 'acta --help' or 'acta <command> --help')\n", e.what());
    return acta::cli::kExitUsage;
  }
  if (!run) return acta::cli::kExitUsage;
  try {
    return run();
  } catch (const std::exception& e) {
    // Library exceptions must not escape as a crash with a stack trace.
    std::fprintf(stderr, "acta: internal error: %s\n", e.what());
    return acta::cli::kExitFailure;
  }
}
