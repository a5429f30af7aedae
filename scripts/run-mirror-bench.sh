#!/usr/bin/env bash
# `acta mirror` (issue #17), 1,000,000 tables by default: builds acta,
# bench/dashboard_seed and the dashboard in BUILD_DIR, runs
# bench/mirror_bench.mjs (time to mirror, nginx on the mirror against the
# center's public listener with wrk, the dashboard from the mirror) and
# writes the "mirror" section of docs/PERFORMANCE.md with bench/report.py.
# Takes many minutes and several GB of disk: not part of ctest.
#
#   scripts/run-mirror-bench.sh [BUILD_DIR] [--tables N] [--seconds S] [--work DIR]
#
# --work (default BUILD_DIR/mirror-bench-N) keeps the election and the store,
# so a second run skips synthesis and seeding.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir=${1:-build/release}
shift || true
if ! grep -q '^ACTA_BUILD_BENCH:BOOL=ON' "$build_dir/CMakeCache.txt" 2>/dev/null; then
  echo "run-mirror-bench: $build_dir must be a configured build with -DACTA_BUILD_BENCH=ON" >&2
  exit 2
fi
cmake --build "$build_dir" --target acta dashboard_seed web -j 2
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
build="${build_type:-without a build type} with $(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt" | xargs basename)"
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
case " ${args[*]:-} " in *" --work "*) ;; *) args+=(--work "$build_dir/mirror-bench-$tables") ;; esac
ACTA_BIN="$build_dir/src/cli/acta" SEED_BIN="$build_dir/bench/dashboard_seed" \
ACTA_WEB_ROOT="$root/web/dist" ACTA_BUILD="$build" \
  node bench/mirror_bench.mjs "${args[@]}" --out "$out/mirror.json"
python3 bench/report.py mirror "$out/mirror.json" \
  --title "Mirror at $(python3 -c "print(f'{int($tables):,}')") tables" --build "$build"
