#!/usr/bin/env bash
# Builds and runs every benchmark binary of a build directory (BUILD_DIR/bench/*_bench)
# with JSON output into BUILD_DIR/bench-results/, then regenerates each one's
# section of docs/PERFORMANCE.md with bench/report.py (core_bench -> "core").
#
#   scripts/run-bench.sh [BUILD_DIR] [extra Google Benchmark flags...]
#
# BUILD_DIR defaults to build/release; use an optimized build (the release
# preset), figures from a Debug build mean little.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir=${1:-build/release}
shift || true

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  echo "run-bench: $build_dir is not a configured build directory (try: cmake --preset release)" >&2
  exit 2
fi
cmake --build "$build_dir" --target acta_benchmarks -j 2

build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
type_upper="$(echo "$build_type" | tr '[:lower:]' '[:upper:]')"
flags="$(sed -n "s/^CMAKE_CXX_FLAGS_${type_upper}:[A-Z]*=//p" "$build_dir/CMakeCache.txt")"
build="${build_type:-without a build type} (${flags:-no flags}) with $(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt" | xargs basename)"
if [ "$build_type" = "Debug" ] || [ -z "$build_type" ]; then
  echo "run-bench: warning: $build_dir is a $build_type build; figures will be pessimistic" >&2
fi

out="$build_dir/bench-results"
mkdir -p "$out"
found=0
for bin in "$build_dir"/bench/*_bench; do
  [ -x "$bin" ] || continue
  found=1
  name="$(basename "$bin")"
  echo "run-bench: $name"
  # Three repetitions, reported by their median: the machine is shared.
  "$bin" --benchmark_out="$out/$name.json" --benchmark_out_format=json \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true "$@"
  python3 bench/report.py "${name%_bench}" "$out/$name.json" --build "$build"
done
if [ "$found" = 0 ]; then
  echo "run-bench: no *_bench binary in $build_dir/bench (is ACTA_BUILD_BENCH on?)" >&2
  exit 1
fi

# Load tests: programs that drive real servers over loopback and write a
# plain table (bench/report.py's {"title","columns","rows","notes"} form).
if [ -x "$build_dir/bench/ingest_load" ]; then
  echo "run-bench: ingest_load (center ingest over loopback, 1,000,000-acta memory run)"
  "$build_dir/bench/ingest_load" --tables "${ACTA_BENCH_INGEST_TABLES:-100000}" \
      --memory-tables "${ACTA_BENCH_MEMORY_TABLES:-1000000}" --out "$out/ingest.json"
  python3 bench/report.py ingest "$out/ingest.json" --title "Center ingest" --build "$build"
fi
if [ -x "$build_dir/bench/ingest_cpu" ]; then
  echo "run-bench: ingest_cpu (the center's CPU per acta, center and load on their own cores)"
  "$build_dir/bench/ingest_cpu" --acta "$build_dir/src/cli/acta" \
      --tables "${ACTA_BENCH_INGEST_CPU_TABLES:-60000}" --out "$out/ingest_cpu.json"
  python3 bench/report.py ingest_cpu "$out/ingest_cpu.json" --title "Center ingest: CPU per acta" \
      --build "$build"
fi
if [ -x "$build_dir/bench/witness_load" ]; then
  echo "run-bench: witness_load (cosignatures per second; ingest with and without witnesses)"
  "$build_dir/bench/witness_load" --cosigns "${ACTA_BENCH_WITNESS_COSIGNS:-2000}" \
      --tables "${ACTA_BENCH_WITNESS_TABLES:-20000}" --out "$out/witness.json"
  python3 bench/report.py witness "$out/witness.json" --title "Witnesses" --build "$build"
fi
if [ -x "$build_dir/bench/sign_paths" ]; then
  echo "run-bench: sign_paths (signatures/s: key in memory, SoftHSM2 token, receipt key)"
  "$build_dir/bench/sign_paths" --seconds "${ACTA_BENCH_SIGN_SECONDS:-3}" --out "$out/sign_paths.json"
  python3 bench/report.py sign_paths "$out/sign_paths.json" --title "Signing keys" --build "$build"
fi
if [ -x "$build_dir/bench/monitor_load" ]; then
  echo "run-bench: monitor_load (the monitor following a 1,000,000-acta log; the demo's monitor lag)"
  "$build_dir/src/cli/acta" demo --json --no-verify > "$out/demo-monitor.json" 2>/dev/null || true
  "$build_dir/bench/monitor_load" --tables "${ACTA_BENCH_MONITOR_TABLES:-1000000}" \
      --demo-json "$out/demo-monitor.json" --out "$out/monitor.json"
  python3 bench/report.py monitor "$out/monitor.json" --title "Monitor" --build "$build"
fi
if [ -x "$build_dir/bench/verify_load" ]; then
  echo "run-bench: verify_load (verifying a 1,000,000-acta dump, CPU per acta)"
  "$build_dir/bench/verify_load" --tables "${ACTA_BENCH_VERIFY_TABLES:-1000000}" --out "$out/verify.json"
  python3 bench/report.py verify "$out/verify.json" --title "Public verifier" --build "$build"
fi
if [ -x "$build_dir/bench/photo_decode" ]; then
  echo "run-bench: photo_decode (degraded photos of the printed acta, acta vs zbarimg)"
  "$build_dir/bench/photo_decode" --seeds "${ACTA_BENCH_PHOTO_SEEDS:-3}" --out "$out/photo.json"
  python3 bench/report.py photo "$out/photo.json" --build "$build"
fi
# The same photos' QR codes read by the observers' page in headless Chromium
# (zxing-wasm), beside the C++ reader and zbarimg (issue #18).
if [ -x "$build_dir/bench/photo_decode" ] && command -v node >/dev/null && [ -x /usr/bin/chromium ] \
    && [ -d web/node_modules/playwright-core ] \
    && cmake --build "$build_dir" --target acta make_photo web -j 2; then
  echo "run-bench: observer_decode (the observers' page in Chromium vs the C++ reader and zbarimg)"
  ACTA_BIN="$build_dir/src/cli/acta" ACTA_MAKE_PHOTO="$build_dir/tests/browser/make_photo" \
    ACTA_PHOTO_DECODE="$build_dir/bench/photo_decode" \
    node bench/observer_decode.mjs --seeds "${ACTA_BENCH_OBSERVER_SEEDS:-2}" \
      --work "$out/observer-decode" --out "$out/observer_decode.json"
  python3 bench/report.py observer_decode "$out/observer_decode.json" --build "$build"
else
  echo "run-bench: no observer_decode (needs node, /usr/bin/chromium, web/node_modules and the web target)" >&2
fi
if [ -x "$build_dir/bench/attack_load" ]; then
  echo "run-bench: attack_load (under attack: every acta attack mode at 10x and 50x, nginx, demo)"
  "$build_dir/bench/attack_load" --acta "$build_dir/src/cli/acta" --out-dir "$out/attack" \
      --seconds-per-row "${ACTA_BENCH_ATTACK_SECONDS:-8}" \
      --demo-tables "${ACTA_BENCH_ATTACK_DEMO_TABLES:-30000}"
  python3 bench/report.py attack "$out/attack/attack.json" --build "$build"
  python3 bench/report.py attack_lanes "$out/attack/attack_lanes.json" --build "$build"
  for section in reject demo_attack; do  # skipped by --reject-seconds 0 / --demo-tables 0
    if [ -f "$out/attack/$section.json" ]; then
      python3 bench/report.py "$section" "$out/attack/$section.json" --build "$build"
    fi
  done
fi
if [ -x "$build_dir/bench/store_load" ]; then
  echo "run-bench: store_load (SQLite vs PostgreSQL, one and two centers, failover)"
  pg_dir="$(mktemp -d /tmp/acta-bench-pg.XXXXXX)"
  trap 'scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
  pg_url="$(scripts/pg-test-cluster.sh start "$pg_dir")"
  # Issue #15: the same load on three sites replicated by Patroni (needs root
  # for the postgres user; skipped with a note otherwise).
  ha_args=()
  export ACTA_HA_DIR=/tmp/acta-bench-ha
  if [ "$(id -u)" -eq 0 ] && ha_url="$(ACTA_HA_BASE_PORT=auto scripts/ha-cluster.sh up)"; then
    ha_args=(--ha-url "$ha_url")
    trap 'scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; scripts/ha-cluster.sh down >/dev/null 2>&1 || true' EXIT
  else
    echo "run-bench: no three-site cluster (scripts/ha-cluster.sh up failed or not root): no HA rows" >&2
  fi
  "$build_dir/bench/store_load" --pg-url "$pg_url" "${ha_args[@]}" \
      --tables "${ACTA_BENCH_STORE_TABLES:-30000}" --out "$out/store.json"
  load=$(cut -d' ' -f1 /proc/loadavg)
  [ ${#ha_args[@]} -eq 0 ] || scripts/ha-cluster.sh down >/dev/null
  python3 bench/report.py store "$out/store.json" --title "Storage backends and several centers" \
      --build "$build"
  if [ ${#ha_args[@]} -gt 0 ]; then
    # The same run's three-site rows, as ratios, in a section of their own.
    python3 bench/ha_ingest_section.py "$out/store.json:$load" "$out/ha_ingest.json"
    python3 bench/report.py ha_ingest "$out/ha_ingest.json" \
        --title "Three sites: ingest throughput" --build "$build"
  fi
  scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null
  trap - EXIT
fi
