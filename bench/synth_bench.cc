// sim::SynthesizeElection for 1,000,000 tables on 2 threads, timed once:
// what `acta election synth --tables 1000000` spends before writing files.
#include <benchmark/benchmark.h>

#include "sim/synth.h"

namespace acta::bench {
namespace {

void BM_Synthesize(benchmark::State& state) {
  sim::SynthOptions options;
  options.tables = static_cast<uint32_t>(state.range(0));
  options.threads = 2;
  for (auto _ : state) {
    SeededRandom rng(1);
    auto result = sim::SynthesizeElection(options, rng);
    if (!result) {
      state.SkipWithError(result.error().ToString().c_str());
      return;
    }
    state.counters["regions"] = static_cast<double>(result->election.manifest.regions.size());
    benchmark::DoNotOptimize(result);
  }
  state.counters["tables"] = static_cast<double>(options.tables);
  state.SetItemsProcessed(state.iterations() * options.tables);
}

BENCHMARK(BM_Synthesize)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Repetitions(1)  // once, even when run-bench.sh asks for repetitions
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace acta::bench
