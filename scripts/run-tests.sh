#!/usr/bin/env bash
# Runs the threaded test programs under ThreadSanitizer (scripts/run-tsan.sh,
# its own build in build/tsan; a data race fails the run), then every test of
# a build directory with ctest (last, so its summary closes the output).
# ACTA_TSAN=0 skips the ThreadSanitizer step (`make asan` does: that build is
# already sanitized, and the TSan subset does not depend on the preset).
# The libFuzzer smoke runs are not here: they need a third whole build (clang
# with ASan and UBSan, build/fuzz), which with the TSan build took CI past 30
# minutes; every ctest run still replays each fuzz target's corpus and
# regressions (fuzz_replay_*), and `make fuzz` / `make fuzz-long` run libFuzzer.
set -euo pipefail
build_dir=${1:-build/release}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${ACTA_TSAN:-1}" != 0 ]; then
  bash scripts/run-tsan.sh
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
