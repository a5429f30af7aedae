// A synthesized election with every table's truth acta signed and its
// terminal-lane request (body + transport MAC) prepared, for the load
// benchmarks. Exits the process with a message on failure: a benchmark
// that cannot set up has nothing to measure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/load_generator.h"
#include "center/center.h"
#include "core/acta.h"
#include "core/clock.h"
#include "sim/synth.h"

namespace acta::bench {

struct BenchElection {
  std::string dir;  // manifest, tables, secrets (center.key, center-2.key, ...)
  std::unique_ptr<sim::SynthResult> synth;
  std::vector<Acta> actas;  // manifest order, closing time polls_close + 60
};

// Synthesizes `tables` tables (seed 99) with `centers` center keys under
// ROOT/election-TABLES and signs every truth acta on two threads.
// With `witnesses` > 0 the manifest lists that many (quorum 2, or 1 for one).
BenchElection MakeBenchElection(uint32_t tables, const std::filesystem::path& root,
                                uint32_t centers = 1, uint32_t witnesses = 0);

// One terminal-lane request per acta: its bytes and base64 transport MAC.
std::vector<PreparedRequest> PrepareTerminalRequests(const BenchElection& e);

// Ed25519 verifications per second on one core by libsodium alone, over
// (up to 20,000 of) the election's actas: per second of wall time, or with
// `cpu_time` per second of this thread's CPU.
double RawVerifyRate(const BenchElection& e, bool cpu_time = false);

// Ed25519 signatures per second on one core by libsodium alone
// (crypto_sign_detached), over (up to 20,000) messages shaped like the
// center's receipts for the election's actas: what signing one receipt
// costs at the least. Per second of wall time, or with `cpu_time` of this
// thread's CPU.
double RawSignRate(const BenchElection& e, bool cpu_time = false);

// An in-process center for load runs: store `db_url`, the key of center
// `node` (0: secrets/center.key, n: secrets/center-(n+1).key), loopback
// listeners on port 0, no connection caps, one ingest thread per core.
// `db` carries the PostgreSQL HA switches (--require-sync-standby);
// `adjust`, when given, changes the options last.
std::unique_ptr<center::Center> StartBenchCenter(
    const BenchElection& e, const std::string& db_url, int node, const Clock& clock,
    const store::OpenOptions& db = {},
    const std::function<void(center::CenterOptions&)>& adjust = {});

// Waits (at most 2 minutes) until `c` publishes a checkpoint of `size`
// entries or more; false on timeout.
bool WaitLogSize(center::Center& c, uint64_t size);

// VmRSS / VmHWM of a process ("self" or a pid), in MiB; 0 if unreadable.
double ProcStatusMiB(const std::string& pid, const char* field);

}  // namespace acta::bench
