// `acta attack` as a library: floods a center's ingest listener with one
// kind of hostile traffic (or a mix) at a bounded rate, concurrency,
// duration and count, and reports what came back. The CLI, `acta demo
// --attack` and the benchmarks all run this. It exists to prove the center
// keeps serving terminals under attack (DESIGN.md, "Simulation and attack
// tooling"), so it refuses any target that is not loopback unless the
// caller says it owns the target.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/manifest.h"

namespace acta::sim {

enum class AttackMode {
  kJunk,      // POST /v1/actas with random bytes (never a valid version)    -> 400
  kGarbage,   // bytes that are not HTTP at all, new connection each         -> 400, closed
  kWrongMac,  // well-formed acta of a real table, random Acta-Mac           -> 401
  kForged,  // well-formed acta, signed by the wrong key, public lane      -> 403 (429 over budget)
  kReplay,  // actas the center already has, sent again                    -> 200
  kConflict,   // validly signed actas that differ from the table's first one -> 409 (needs table
               // keys)
  kOversized,  // Content-Length far above the acta limit, no body            -> 413, closed
  kSlowloris,  // a header sent one byte per interval, never finished         -> 408, closed
  kStorm,  // a new connection per request (GET /healthz, Connection: close) -> 200 or 503 over caps
  kMix,    // each request picks one of the above that the material allows (not conflict;
           // slowloris holds at most a quarter of the connections)
};

// "junk", "garbage", "wrong_mac", "forged", "replay", "conflict",
// "oversized", "slowloris", "storm", "mix".
std::string_view AttackModeName(AttackMode mode);
// kInvalidArgument naming the valid modes.
Result<AttackMode> ParseAttackMode(std::string_view name);

// What the election-aware modes need; all optional. A mode whose part is
// missing is refused by RunAttack (mix just leaves it out).
struct AttackMaterial {
  std::shared_ptr<const Manifest> manifest;  // wrong_mac, forged, conflict
  // The transport master secret: replays and conflicts then carry a valid
  // MAC (terminal lane), as a captured terminal request would.
  std::optional<TransportKey> transport_master;
  std::vector<Seed> table_seeds;  // machine keys, manifest order: conflict
  std::vector<uint32_t> truth;    // truth.bin layout (optional; counts of conflicts)
  // Actas to replay (replay mode). LoadAttackMaterial fills it, when the table
  // keys are present, with each table's truth acta as a terminal would sign
  // it (closing time polls_close_not_before + 60); a replay the center has
  // not seen yet is accepted (201) and only later ones answer 200.
  std::vector<Bytes> replay_actas;
};

// Reads DIR/manifest.json (+ tables.bin, signature) and, when DIR/secrets
// exists, the transport key, table keys and truth. Errors: those of
// LoadManifest, or of a secrets file that exists but does not load.
Result<AttackMaterial> LoadAttackMaterial(const std::string& election_dir);

struct AttackOptions {
  std::string target;  // the ingest listener: "http://127.0.0.1:8080", "http://[::1]:8080"
  AttackMode mode = AttackMode::kJunk;
  // All four bounds are required (> 0); the run stops at whichever comes
  // first. `rate` is requests (or connections, for garbage, oversized,
  // slowloris and storm) started per second over all connections;
  // `concurrency` is the number of connections open at once.
  double rate = 0;
  int concurrency = 0;
  std::chrono::milliseconds duration{0};
  uint64_t count = 0;
  // Allows a target that is not loopback (127.0.0.0/8, ::1, localhost).
  bool i_own_the_target = false;
  std::shared_ptr<const AttackMaterial> material;
  uint64_t seed = 0;  // payload randomness; 0: from the system
  // One request's connect, write and read together; past it the connection
  // is dropped and counted as a "timeout" error. In-flight requests finish
  // (or time out) after the duration ends.
  std::chrono::milliseconds io_timeout{10'000};
  // Slowloris: one header byte per interval until the server gives up, the
  // duration ends, or io_timeout * 10 passes.
  std::chrono::milliseconds slowloris_interval{1'000};
  // Oversized: the Content-Length declared.
  uint64_t oversized_bytes = 64ull << 20;
  // Stops the run early (checked every 50 ms).
  std::stop_token stop;
};

struct AttackStats {
  uint64_t sent = 0;                       // requests (or connections) started
  std::map<int, uint64_t> statuses;        // HTTP status -> responses
  std::map<std::string, uint64_t> errors;  // "connect", "timeout", "closed", "read", "write"

  uint64_t responses() const;
};

struct AttackReport {
  AttackStats total;
  std::map<std::string, AttackStats> by_mode;  // mode name -> its share
  uint64_t connections = 0;                    // TCP connections opened
  double seconds = 0;                          // wall time of the run
  std::string stopped_by;                      // "count", "duration" or "stop"

  double achieved_rate() const { return seconds > 0 ? total.sent / seconds : 0; }
};

// Called about once a second with the counts so far, on the thread running
// the attack (keep it quick).
using AttackProgress = std::function<void(const AttackReport&)>;

// Runs the attack on the calling thread (one io_context, all connections)
// and returns when it ends: at the count, at the duration (requests in
// flight then finish or time out), or at `stop`. Errors:
// kInvalidArgument (bounds missing, bad URL, https), kPermissionDenied (a
// target that is not loopback without i_own_the_target),
// kFailedPrecondition (the mode needs material it was not given),
// kUnavailable (the host name does not resolve).
Result<AttackReport> RunAttack(const AttackOptions& options, const AttackProgress& progress = {});

// The end-of-run table: one row per mode used and a total row with sent,
// responses by status, errors and achieved rate.
std::string FormatAttackReport(const AttackReport& report);

// Target parsing, exposed for tests and the CLI's early check.
struct AttackTarget {
  std::string host;  // as written, without brackets
  uint16_t port = 80;
  bool loopback = false;
};
// "http://HOST[:PORT][/]" only. Errors: kInvalidArgument.
Result<AttackTarget> ParseAttackTarget(std::string_view url);

}  // namespace acta::sim
