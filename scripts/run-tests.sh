#!/usr/bin/env bash
# Runs every test of a build directory with ctest, then the short fuzz runs.
set -euo pipefail
build_dir=${1:-build/release}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
if [ -x scripts/run-fuzz.sh ]; then
  bash scripts/run-fuzz.sh --smoke
fi
