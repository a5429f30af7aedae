#!/usr/bin/env bash
# Runs the short fuzz runs, the threaded test programs under ThreadSanitizer
# (scripts/run-tsan.sh, its own build in build/tsan; a data race fails the
# run), then every test of a build directory with ctest (last, so its summary
# closes the output). ACTA_TSAN=0 skips the ThreadSanitizer step (`make asan`
# does: that build is already sanitized, and the TSan subset does not depend
# on the preset).
set -euo pipefail
build_dir=${1:-build/release}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ -x scripts/run-fuzz.sh ]; then
  bash scripts/run-fuzz.sh --smoke
fi
if [ "${ACTA_TSAN:-1}" != 0 ]; then
  bash scripts/run-tsan.sh
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
