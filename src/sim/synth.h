// Synthetic elections of any size, deterministic from a seed: a country with
// states, municipalities, parishes and voting centers, tables with realistic
// registered-voter counts and one Ed25519 machine key each, two contests, and
// the truth (what every table will count). Used by `acta demo`, the
// benchmarks and the end-to-end tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/election_secrets.h"
#include "core/random.h"

namespace acta::sim {

struct SynthOptions {
  uint32_t tables = 30'000;  // 1 .. 10,000,000
  // Seed of the convenience overload of SynthesizeElection (the CLI's --seed).
  uint64_t seed = 1;
  std::string name = "Synthetic General Election";
  uint64_t polls_close_not_before = 1'800'000'000;             // 2027-01-15T08:00:00Z
  uint64_t polls_close_not_after = 1'800'000'000 + 12 * 3600;  // 2027-01-15T20:00:00Z
  uint32_t centers = 1;                                        // center keys: 1 .. 16
  uint32_t anomalies = 0;  // tables whose truth is deliberately wrong (see Anomaly)
  // Witnesses, one per party of the presidential contest (0 .. 6), and the
  // quorum the manifest asks of them (1 .. witnesses; 0 with no witness).
  // Their URLs are placeholders (http://witness-N.synth.invalid) that
  // `acta demo` replaces with its own loopback witnesses.
  uint32_t witnesses = 0;
  uint32_t witness_quorum = 0;
  unsigned threads = 2;  // for the per-table public keys
};

enum class AnomalyKind {
  kOverRegistered,    // ballots cast > registered voters (the counts still add up)
  kCountsDoNotAddUp,  // contest 0's counts exceed ballots cast
};

struct Anomaly {
  size_t table_index;
  AnomalyKind kind;
};

struct SynthResult {
  ElectionMaterial election;       // manifest finalized, table_seeds and truth filled
  std::vector<Anomaly> anomalies;  // sorted by table_index
};

// Called from the calling thread only, a few hundred times at most:
// stage is "regions", "keys" or "truth".
using SynthProgress = std::function<void(std::string_view stage, uint64_t done, uint64_t total)>;

// Builds an election drawing every random choice from `rng` (so the same
// stream gives the same election id). Scale for the default 30,000 tables:
// 24 states, ~335 municipalities, ~1,100 parishes, ~15,800 voting centers,
// ~21 million registered voters; smaller and larger N scale the lower levels
// proportionally. Turnout is 60-75 % by state with local variation. Except
// for the anomalies asked for, every table satisfies: ballots cast <=
// registered, and each contest's candidates + blank + null == ballots cast.
// kInvalidArgument for options out of range.
Result<SynthResult> SynthesizeElection(const SynthOptions& options, Random& rng,
                                       const SynthProgress& progress = {});
// The same with SeededRandom(options.seed).
Result<SynthResult> SynthesizeElection(const SynthOptions& options,
                                       const SynthProgress& progress = {});

// Writes the election directory (see WriteElectionDir in core).
Status WriteElectionDir(const std::string& dir, const SynthResult& result);

}  // namespace acta::sim
