#!/usr/bin/env bash
# Builds the tests of acta's threaded parts with ThreadSanitizer (the `tsan`
# preset, in build/tsan) and runs them (`make tsan`): the HTTP server and
# client, telemetry, the center's verify pool and ingest pipeline, the
# sequencer and group commit inside a whole in-process center
# (center_e2e_test), the stores, the terminal's transmitter, the emulated
# network of the demo, the verifier's parallel checks, the witness, the
# mirror's event stream and the monitor and live-log tests of the dishonest
# suite, a center collecting cosignatures from witnesses (witness_e2e_test)
# and the mirror's fetch threads and `acta mirror --follow` (mirror_test).
# The last two spawn the `acta` binary, so it is built with TSan too and its
# processes are checked as well. Any data race fails the run (halt_on_error;
# every process writes its report to build/tsan-reports/, and a report from
# any of them fails its program); the suppressions, each with its reason, are
# in scripts/tsan.supp. `make test` runs this (scripts/run-tests.sh). Prints
# each program's time.
#
#   scripts/run-tsan.sh [TEST_PROGRAM...]   default: all of the above
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(http_server_test http_client_test telemetry_test center_test center_e2e_test store_test
           terminal_test sim_net_test verify_test witness_test mirror_unit_test dishonest_test
           witness_e2e_test mirror_test)
fi
# dishonest_test's other suites exercise a single-threaded verifier against
# a lying center; under TSan they cost minutes and add no thread.
declare -A filters=([dishonest_test]="Monitor*:LiveLog*")
jobs=${TSAN_JOBS:-2}
echo "run-tsan: building ${targets[*]} with ThreadSanitizer in build/tsan (-j$jobs)"
mkdir -p build
cmake --preset tsan >build/tsan.configure.log 2>&1 || { cat build/tsan.configure.log >&2; exit 1; }
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done
start=$(date +%s)
cmake --build build/tsan -j "$jobs" "${args[@]}" >build/tsan.build.log 2>&1 || {
  tail -n 60 build/tsan.build.log >&2; exit 1; }
echo "run-tsan: built in $(( $(date +%s) - start )) s"
# second_deadlock_stack: both stacks of a lock-order report.
# log_path: a report of a spawned acta process is kept too (as
# build/tsan-reports/<program>.<pid>), not lost in a pipe the test discards.
reports="$root/build/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
base_options="halt_on_error=1 second_deadlock_stack=1 history_size=4 suppressions=$root/scripts/tsan.supp ${TSAN_OPTIONS:-}"
failed=()
for t in "${targets[@]}"; do
  bin="$(find build/tsan -name "$t" -type f -executable | head -n 1)"
  filter=${filters[$t]:-*}
  t0=$(date +%s)
  # Without address randomization: gcc 12's TSan cannot map its shadow
  # memory beside the high-entropy layouts of recent kernels.
  rc=0
  TSAN_OPTIONS="$base_options log_path=$reports/$t" \
    setarch "$(uname -m)" -R "$bin" --gtest_brief=1 --gtest_filter="$filter" >"build/tsan.$t.log" 2>&1 || rc=$?
  found=("$reports/$t".*)
  if [ "$rc" = 0 ] && [ ! -e "${found[0]}" ]; then
    echo "run-tsan: $t passed ($(( $(date +%s) - t0 )) s)"
  else
    for f in "${found[@]}"; do
      [ -e "$f" ] && { echo "run-tsan: ThreadSanitizer report $f:" >&2; head -n 80 "$f" >&2; }
    done
    echo "run-tsan: $t FAILED ($(( $(date +%s) - t0 )) s), last lines of build/tsan.$t.log:" >&2
    grep -v '^\[20' "build/tsan.$t.log" | tail -n 80 >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-tsan: FAILED under ThreadSanitizer: ${failed[*]}" >&2
  exit 1
fi
echo "run-tsan: ${#targets[@]} test programs pass under ThreadSanitizer ($(( $(date +%s) - start )) s with the build)"
