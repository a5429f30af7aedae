#!/usr/bin/env bash
# The dashboard at 1,000,000 tables (issue #8): builds acta and
# bench/dashboard_seed in BUILD_DIR, runs bench/dashboard_scale.mjs (a
# synthetic election, 30 % of its tables stored and sequenced by a real
# center, the page in headless Chromium) and writes the "dashboard" section
# of docs/PERFORMANCE.md with bench/report.py. Takes several minutes: not
# part of ctest.
#
#   scripts/run-dashboard-scale.sh [BUILD_DIR] [--tables N] [--fraction F] [--work DIR]
#
# BUILD_DIR defaults to build/release. --work (default BUILD_DIR/dashboard-scale-N)
# keeps the election and the store, so a second run skips synthesis and seeding.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir=${1:-build/release}
shift || true
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  echo "run-dashboard-scale: $build_dir is not a configured build directory" >&2
  exit 2
fi
if ! grep -q '^ACTA_BUILD_BENCH:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  echo "run-dashboard-scale: $build_dir needs -DACTA_BUILD_BENCH=ON (for dashboard_seed)" >&2
  exit 2
fi
cmake --build "$build_dir" --target acta dashboard_seed web -j 2

build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
type_upper="$(echo "$build_type" | tr '[:lower:]' '[:upper:]')"
flags="$(sed -n "s/^CMAKE_CXX_FLAGS_${type_upper}:[A-Z]*=//p" "$build_dir/CMakeCache.txt")"
build="${build_type:-without a build type} (${flags:-no flags}) with $(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt" | xargs basename)"

tables=1000000
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) tables="$2"; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1" "$2"); shift 2 ;;
  esac
done
out="$build_dir/bench-results"
mkdir -p "$out"
work_default="$build_dir/dashboard-scale-$tables"
case " ${args[*]:-} " in *" --work "*) ;; *) args+=(--work "$work_default") ;; esac

ACTA_BIN="$build_dir/src/cli/acta" SEED_BIN="$build_dir/bench/dashboard_seed" \
ACTA_WEB_ROOT="$root/web/dist" ACTA_BUILD="$build" \
  node bench/dashboard_scale.mjs "${args[@]}" --out "$out/dashboard.json"
python3 bench/report.py dashboard "$out/dashboard.json" --title "Dashboard at 1,000,000 tables" --build "$build"
