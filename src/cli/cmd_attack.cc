// `acta attack`: flood a center's ingest listener with hostile traffic,
// bounded in rate, concurrency, duration and count, and report what came
// back. Loopback only unless --i-own-the-target.
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "core/acta.h"
#include "core/file.h"
#include "sim/attack.h"

namespace acta::cli {
namespace {

struct AttackCliOptions {
  std::string target;
  std::string mode;
  double rate = 0;
  int concurrency = 0;
  double duration_seconds = 0;
  uint64_t count = 0;
  std::string election;
  std::string replay_file;
  uint64_t seed = 0;
  int io_timeout_ms = 10'000;
  int slowloris_interval_ms = 1'000;
  uint64_t oversized_bytes = 64ull << 20;
  bool i_own_the_target = false;
  bool quiet = false;
};

// One acta per line, in QR text form (ACTA1:...); blank lines and lines
// starting with # are skipped.
Result<std::vector<Bytes>> ReadReplayFile(const std::string& path) {
  auto data = ReadFile(path);
  if (!data) return std::unexpected(data.error());
  std::vector<Bytes> out;
  std::istringstream lines{std::string(AsChars(*data))};
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto acta = ActaFromText(line);
    if (!acta) {
      return MakeError(acta.error().code,
                       path + ":" + std::to_string(n) + ": " + acta.error().message);
    }
    out.push_back(std::move(acta->bytes));
  }
  if (out.empty()) return MakeError(ErrorCode::kInvalidArgument, path + ": no actas");
  return out;
}

int RunAttackCommand(const AttackCliOptions& o) {
  auto mode = sim::ParseAttackMode(o.mode);
  if (!mode) return ReportError("attack", mode.error());
  sim::AttackOptions options;
  options.target = o.target;
  options.mode = *mode;
  options.rate = o.rate;
  options.concurrency = o.concurrency;
  options.duration = std::chrono::milliseconds(static_cast<int64_t>(o.duration_seconds * 1000));
  options.count = o.count;
  options.i_own_the_target = o.i_own_the_target;
  options.seed = o.seed;
  options.io_timeout = std::chrono::milliseconds(o.io_timeout_ms);
  options.slowloris_interval = std::chrono::milliseconds(o.slowloris_interval_ms);
  options.oversized_bytes = o.oversized_bytes;
  // Refuse a bad target before spending time on signing replays.
  auto target = sim::ParseAttackTarget(o.target);
  if (!target) return ReportError("attack", target.error());
  if (!target->loopback && !o.i_own_the_target) {
    return ReportError("attack", Error{ErrorCode::kPermissionDenied,
                                       "target " + target->host +
                                           " is not loopback; pass --i-own-the-target only for a "
                                           "system you own or are authorized to test"});
  }
  auto material = std::make_shared<sim::AttackMaterial>();
  if (!o.election.empty()) {
    auto loaded = sim::LoadAttackMaterial(o.election);
    if (!loaded) return ReportError("attack", loaded.error());
    *material = std::move(*loaded);
  }
  if (!o.replay_file.empty()) {
    auto actas = ReadReplayFile(o.replay_file);
    if (!actas) return ReportError("attack", actas.error());
    material->replay_actas = std::move(*actas);
  }
  options.material = material;
  sim::AttackProgress progress;
  if (!o.quiet) {
    progress = [](const sim::AttackReport& r) {
      uint64_t errors = 0;
      for (const auto& [name, n] : r.total.errors) errors += n;
      std::fprintf(stderr, "attack: %.0f s: %llu sent, %llu responses, %llu errors\n", r.seconds,
                   static_cast<unsigned long long>(r.total.sent),
                   static_cast<unsigned long long>(r.total.responses()),
                   static_cast<unsigned long long>(errors));
    };
  }
  auto report = sim::RunAttack(options, progress);
  if (!report) return ReportError("attack", report.error());
  std::fputs(sim::FormatAttackReport(*report).c_str(), stdout);
  return kExitOk;
}

}  // namespace

void RegisterAttack(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<AttackCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "attack",
      "Flood a center's ingest listener with hostile traffic to show it keeps serving terminals.\n"
      "Bounded: --rate, --concurrency, --duration and --count are all required, and the run\n"
      "stops at whichever limit comes first. Only loopback targets (127.0.0.0/8, ::1,\n"
      "localhost) are accepted unless --i-own-the-target is given: never point this at a\n"
      "system you do not own or are not authorized to test.\n"
      "Modes: junk (random body, 400), garbage (not HTTP, 400), wrong_mac (401), forged\n"
      "(wrong signature on the public lane, 403 or 429), replay (actas the center has, 200),\n"
      "conflict (differing validly signed actas, 409; needs the table keys), oversized\n"
      "(413), slowloris (header one byte at a time, 408), storm (a connection per request),\n"
      "mix (all available but conflict). wrong_mac, forged and conflict need --election.");
  cmd->add_option("--target", o->target, "Ingest listener URL, e.g. http://127.0.0.1:8080")
      ->required();
  cmd->add_option("--mode", o->mode, "Attack mode (see above)")->required();
  cmd->add_option("--rate", o->rate, "Requests (or connections) started per second")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--concurrency", o->concurrency, "Connections open at once")
      ->required()
      ->check(CLI::Range(1, 100'000));
  cmd->add_option("--duration", o->duration_seconds, "Seconds to run at most")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--count", o->count, "Requests (or connections) to start at most")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--election", o->election,
                  "Election directory: the manifest (for well-formed actas of real tables) and, "
                  "when present, secrets/ (valid MACs, replays of truth actas, conflicts)");
  cmd->add_option("--replay-file", o->replay_file,
                  "Actas to replay, one ACTA1:... text per line (instead of the truth actas)");
  cmd->add_option("--seed", o->seed, "Seed for the payloads (default: random)");
  cmd->add_option("--io-timeout-ms", o->io_timeout_ms, "Per-request timeout")
      ->check(CLI::Range(1, 3'600'000));
  cmd->add_option("--slowloris-interval-ms", o->slowloris_interval_ms,
                  "Slowloris: one header byte every this many milliseconds")
      ->check(CLI::Range(1, 3'600'000));
  cmd->add_option("--oversized-bytes", o->oversized_bytes,
                  "Oversized: the Content-Length declared");
  cmd->add_flag("--i-own-the-target", o->i_own_the_target,
                "Allow a target that is not loopback (you must own it or be authorized)");
  cmd->add_flag("--quiet", o->quiet, "No progress lines on stderr");
  cmd->callback([o, &run] { run = [o] { return RunAttackCommand(*o); }; });
}

}  // namespace acta::cli
