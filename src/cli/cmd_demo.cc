// `acta demo`: the whole system on one machine (see sim/demo.h).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/command.h"
#include "sim/demo.h"

namespace acta::cli {
namespace {

struct DemoCliOptions {
  sim::DemoOptions demo;
  bool no_emulation = false;
  bool no_verify = false;
  bool no_monitor = false;
  bool verbose = false;
  double window_seconds = 0;
};

int RunDemoCommand(DemoCliOptions o) {
  // The center's own log lines would tear the progress display apart.
  // With three sites the centers warn on every retry while a failover
  // runs (expected, and the summary reports it): only errors then.
  if (!o.verbose) spdlog::set_level(o.demo.sites > 1 ? spdlog::level::err : spdlog::level::warn);
  o.demo.emulation = !o.no_emulation;
  o.demo.verify = !o.no_verify;
  o.demo.monitor = !o.no_monitor;
  if (o.window_seconds > 0)
    o.demo.window = std::chrono::milliseconds(static_cast<int64_t>(o.window_seconds * 1000));
  if (o.demo.tables == 0 || o.demo.tables > 1'000'000) {
    return ReportError("demo",
                       Error{ErrorCode::kInvalidArgument, "--tables must be 1 .. 1,000,000"});
  }
  auto summary = sim::RunDemo(o.demo);
  if (!summary) return ReportError("demo", summary.error());
  return summary->ok() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterDemo(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DemoCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "The whole system on one machine: synthesizes an election, starts a center on SQLite,\n"
      "runs every table's terminal through an emulated election-night network (dial-up, GSM,\n"
      "satellite, Metro Ethernet) with a blackout of one state, shows progress and bulletins,\n"
      "then checks every table against the synthetic truth and runs the public verifier\n"
      "(and with --audit, a risk-limiting audit of the paper). Exits 1 if any acta is lost,\n"
      "any total is wrong, or the audit directory does not verify.\n"
      "With --sites 3 the store is a local three-site PostgreSQL 15 cluster replicated by\n"
      "Patroni and etcd (scripts/ha-cluster.sh; packages from scripts/install-deps.sh), one\n"
      "center per site, and the primary's whole site goes dark at 40 % of the window; the\n"
      "summary gives the stall and checks that no receipted acta is missing from the log and\n"
      "that no checkpoint seen during the night was forked.");
  cmd->add_option("--tables", o->demo.tables, "Number of tables (default 30,000; up to 1,000,000)");
  cmd->add_option("--seed", o->demo.seed,
                  "Seed of the election and of every random choice (default 1)");
  cmd->add_option("--workdir", o->demo.workdir,
                  "Work directory (kept); default: a temporary one, removed");
  cmd->add_flag("--keep", o->demo.keep_workdir, "Keep the temporary work directory");
  cmd->add_flag(
      "--serve", o->demo.serve,
      "Afterwards keep the center and its public API running (prints the URLs) until Ctrl-C");
  cmd->add_option(
      "--web-root", o->demo.web_root,
      "Directory of the built dashboard (default: ../share/acta/web beside the binary,\n"
      "else the web/dist of the source tree it was built from)");
  cmd->add_flag(
      "--no-emulation", o->no_emulation,
      "Terminals talk to the center directly on loopback (no link emulation, no blackout)");
  cmd->add_option("--blackout-state", o->demo.blackout_state,
                  "State code to black out (e.g. VE-05), \"auto\" (default) or \"none\"");
  cmd->add_flag("--center-restart", o->demo.center_restart,
                "Stop the center mid-run and bring it back 2 s later");
  cmd->add_flag("--token", o->demo.token,
                "Move the center key into a SoftHSM2 token in the work directory (needs\n"
                "softhsm2) and run the center with --key pkcs11:...; the last checkpoint is\n"
                "saved as WORKDIR/checkpoint beside WORKDIR/center.vkey");
  cmd->add_flag("--lossy", o->demo.lossy,
                "A lossy national network: extra loss and cut connections on every link");
  cmd->add_flag("--attack", o->demo.attack,
                "Flood the center's ingest listener (acta attack, mode mix) while the terminals "
                "report");
  cmd->add_option("--attack-rate", o->demo.attack_rate,
                  "Attack requests per second (default 2,000)");
  cmd->add_option(
      "--window", o->window_seconds,
      "Compressed polls-close window in seconds (default 20 s for 30,000 tables, longer for more)");
  cmd->add_option("--workers", o->demo.workers,
                  "Terminal worker threads (default min(tables, 1024))");
  cmd->add_option("--sites", o->demo.sites,
                  "1 (default): one center on SQLite. 3: three sites on a local Patroni/etcd/\n"
                  "PostgreSQL 15 cluster (needs patroni, etcd-server, etcd-client, postgresql-15,\n"
                  "curl; run as root the daemons run as the postgres user), one center each\n"
                  "(--require-sync-standby); the primary's site is blacked out mid-run.\n"
                  "The cluster lives in /tmp/acta-sites-*; one left running by a demo that\n"
                  "was killed is taken down by the next --sites 3 demo")
      ->check(CLI::IsMember({1, 3}));
  cmd->add_option("--ha-dir", o->demo.ha_dir,
                  "With --sites 3: use the running cluster of this ACTA_HA_DIR\n"
                  "(scripts/ha-cluster.sh up) instead of starting one; the dark site is\n"
                  "restored at the end");
  cmd->add_option(
      "--ha-script", o->demo.ha_script,
      "With --sites 3: the cluster script (default: ../share/acta/scripts/ha-cluster.sh\n"
      "beside the binary, else scripts/ha-cluster.sh of the source tree)");
  cmd->add_flag("--no-verify", o->no_verify,
                "Skip the public verification at the end (with --sites 3 also the receipt and\n"
                "fork checks)");
  cmd->add_flag("--audit", o->demo.audit,
                "Afterwards run a risk-limiting audit of the first contest (acta audit), hand "
                "counts simulated from the truth, and verify it");
  cmd->add_option("--paper-errors", o->demo.paper_errors,
                  "With --audit: this many tables' paper moves a quarter of the winner's votes to "
                  "the runner-up (default 0)");
  cmd->add_flag("--no-monitor", o->no_monitor,
                "Run no monitor beside the center (by default one follows the log all night, "
                "as 'acta monitor' does, and the summary gives its lag and alarms)");
  cmd->add_flag("--verbose", o->verbose, "Show the center's log lines");
  cmd->add_flag("--json", o->demo.json,
                "Print a machine-readable summary on stdout (the rest goes to stderr)");
  cmd->callback([&run, o] { run = [o] { return RunDemoCommand(*o); }; });
}

}  // namespace acta::cli
