#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset, in build/fuzz) and runs each
# one on a copy of its seed corpus (fuzz/corpus/<target>/), two at a time.
#
#   scripts/run-fuzz.sh [--smoke | --long] [--seconds N] [TARGET...]
#
#   --smoke      about 10 s per target
#   --long       600 s per target (make fuzz-long): inputs that reach new
#                coverage are merged into fuzz/corpus/<target>/ (commit them),
#                a crashing input is copied into fuzz/regressions/<target>/
#                (the fuzz_replay_<target> ctest then fails until it is fixed),
#                and executions and coverage per target are written to
#                docs/SECURITY.md ("Fuzzing")
#   --seconds N  N seconds per target (default 60, or 600 with --long)
#   TARGET       run only these (e.g. acta_decode manifest); default: all
#
# Exits 1 if a target crashes, leaks, times out or breaks an invariant; the
# input that did it is kept in build/fuzz/fuzz-runs/artifacts/ and the log's
# tail is printed. Exits 0 with a message when no suitable clang is installed
# (scripts/install-deps.sh installs clang-16).
set -euo pipefail

seconds=""
long=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) seconds=${seconds:-10} ;;
    --long) long=1 ;;
    --seconds) seconds="$2"; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done

if [ -z "$seconds" ]; then
  if [ "$long" = 1 ]; then seconds=600; else seconds=60; fi
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# libstdc++ 12's std::expected needs clang >= 16; Debian 12's default clang++
# is 14, so prefer the versioned binary.
cxx=""
for candidate in clang++-16 clang++-17 clang++-18 clang++-19 clang++; do
  if command -v "$candidate" >/dev/null 2>&1; then
    major="$("$candidate" -dumpversion | cut -d. -f1)"
    if [ "$major" -ge 16 ]; then cxx="$candidate"; break; fi
  fi
done
if [ -z "$cxx" ]; then
  echo "run-fuzz: skipped: no clang++ >= 16 found (libFuzzer targets need it;" \
       "scripts/install-deps.sh installs clang-16 and libclang-rt-16-dev)"
  exit 0
fi

build_dir=build/fuzz
mkdir -p build
echo "run-fuzz: building the fuzz targets with $cxx in $build_dir"
cmake --preset fuzz -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" >"$build_dir.configure.log" 2>&1 || {
  cat "$build_dir.configure.log" >&2; exit 1; }
cmake --build "$build_dir" --target fuzz_all -j 2 >"$build_dir.build.log" 2>&1 || {
  tail -n 60 "$build_dir.build.log" >&2; exit 1; }

if [ ${#targets[@]} -eq 0 ]; then
  for dir in fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

runs="$build_dir/fuzz-runs"
rm -rf "$runs"
mkdir -p "$runs/artifacts"

# Runs one target; its exit status is libFuzzer's (0 = no finding).
run_one() {
  local name="$1" bin="$build_dir/fuzz/fuzz_$1"
  local work="$runs/corpus/$name"
  mkdir -p "$work"
  cp -r "fuzz/corpus/$name/." "$work/"
  local rc=0
  "$bin" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$runs/artifacts/$name-" -print_final_stats=1 >"$runs/$name.log" 2>&1 || rc=$?
  if [ "$long" = 1 ]; then
    # Keep what the run learned: only inputs that add coverage to the
    # repository's corpus are copied into it.
    "$bin" -merge=1 "fuzz/corpus/$name" "$work" >"$runs/$name.merge.log" 2>&1 || true
    if [ "$rc" != 0 ]; then
      mkdir -p "fuzz/regressions/$name"
      for a in "$runs/artifacts/$name-"*; do
        [ -f "$a" ] && cp "$a" "fuzz/regressions/$name/$(basename "$a")"
      done
    fi
  fi
  return "$rc"
}

# One JSON row per target for the report: executions, rate, coverage.
stats_row() {
  local name="$1" log="$runs/$1.log"
  local execs cov ft corp
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo 0)"
  ft="$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo 0)"
  corp="$(find "fuzz/corpus/$name" -type f | wc -l)"
  printf '["%s", "%s", "%s", "%s", "%s", "%s", "%s"]' "$name" "$seconds" "$execs" \
    "$((execs / seconds))" "$cov" "$ft" "$corp"
}

failed=()
rows=()
pids=()
names=()
# Reaps the oldest running target and records a failure.
reap() {
  local pid="${pids[0]}" name="${names[0]}"
  pids=("${pids[@]:1}")
  names=("${names[@]:1}")
  if wait "$pid"; then
    local execs
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$runs/$name.log" | grep -o '[0-9]*$' || true)"
    echo "run-fuzz: $name ok (${execs:-?} executions in ${seconds} s)"
    rows+=("$(stats_row "$name")")
  else
    echo "run-fuzz: $name FAILED, last lines of $runs/$name.log:" >&2
    tail -n 40 "$runs/$name.log" >&2
    failed+=("$name")
  fi
}

for name in "${targets[@]}"; do
  if [ ! -x "$build_dir/fuzz/fuzz_$name" ]; then
    echo "run-fuzz: no fuzz target fuzz_$name" >&2
    failed+=("$name")
    continue
  fi
  run_one "$name" &
  pids+=("$!")
  names+=("$name")
  if [ ${#pids[@]} -ge 2 ]; then reap; fi
done
while [ ${#pids[@]} -gt 0 ]; do reap; done

if [ "$long" = 1 ] && [ ${#rows[@]} -gt 0 ]; then
  json="$runs/fuzz-long.json"
  {
    printf '{"columns": ["target", "seconds", "executions", "per second", "edges covered", '
    printf '"features", "corpus files (after merge)"], "rows": ['
    sep=""
    for r in "${rows[@]}"; do printf '%s%s' "$sep" "$r"; sep=", "; done
    printf '], "notes": ["Each target ran alone on one core, two at a time (scripts/run-fuzz.sh --long); '
    printf 'edges and features are libFuzzer'"'"'s cov and ft at the end of the run, with ASan and UBSan."]}\n'
  } >"$json"
  python3 bench/report.py fuzz_long "$json" --doc docs/SECURITY.md --title "Fuzzing" \
    --build "$(uname -sr), $("$cxx" --version | head -n 1)"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzz: FAILED: ${failed[*]} (inputs in $runs/artifacts/" \
    "$( [ "$long" = 1 ] && echo "and fuzz/regressions/")" >&2
  exit 1
fi
echo "run-fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
