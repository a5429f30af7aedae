#!/usr/bin/env bash
# Runs the short fuzz runs, then every test of a build directory with ctest
# (last, so its summary closes the output).
set -euo pipefail
build_dir=${1:-build/release}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ -x scripts/run-fuzz.sh ]; then
  bash scripts/run-fuzz.sh --smoke
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
