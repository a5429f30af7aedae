// A log built in memory the way a center publishes it (entry bundles, a
// checkpoint every 256 entries, the latest bulletin, tables.csv), for the
// verifier and monitor benchmarks, with the raw signature limit beside it.
#pragma once

#include <string>
#include <vector>

#include "sim/synth.h"
#include "verify/files.h"

namespace acta::bench {

struct PublishedLog {
  sim::SynthResult synth;
  verify::MemoryFiles files;  // the dump layout, pinned at the last checkpoint
  std::vector<Bytes> entries;
  std::vector<std::string> notes;  // every checkpoint, oldest first
  std::vector<uint64_t> sizes;     // their sizes
};

// Every table's truth acta, signed, in table order. Exits on failure.
PublishedLog BuildPublishedLog(uint32_t tables);

// libsodium Ed25519 verifications per second of the log's own actas, on
// one core (the first `sample` entries): per second of wall time, or with
// `cpu_time` per second of this thread's CPU (what a CPU-per-acta figure is
// compared with on a shared machine).
double RawVerifyRate(const PublishedLog& log, size_t sample = 20'000, bool cpu_time = false);

}  // namespace acta::bench
