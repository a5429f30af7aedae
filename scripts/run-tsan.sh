#!/usr/bin/env bash
# Builds the threaded parts' tests with ThreadSanitizer (the `tsan` preset,
# in build/tsan) and runs them: the HTTP server, telemetry, the center's
# verify pool and ingest pipeline, the sequencer and group commit inside a
# whole in-process center (center_e2e_test), and the stores. scripts/run-tests.sh
# runs it; any data race fails the run (halt_on_error).
#
#   scripts/run-tsan.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
targets=(http_server_test telemetry_test center_test center_e2e_test store_test)
echo "run-tsan: building ${targets[*]} with ThreadSanitizer in build/tsan"
cmake --preset tsan >build/tsan.configure.log 2>&1 || { cat build/tsan.configure.log >&2; exit 1; }
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done
cmake --build build/tsan -j "$(nproc)" "${args[@]}" >build/tsan.build.log 2>&1 || {
  tail -n 60 build/tsan.build.log >&2; exit 1; }
# second_deadlock_stack: both stacks of a lock-order report.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4 ${TSAN_OPTIONS:-}"
failed=()
for t in "${targets[@]}"; do
  bin="$(find build/tsan -name "$t" -type f -executable | head -n 1)"
  echo "run-tsan: $t"
  # Without address randomization: gcc 12's TSan cannot map its shadow
  # memory beside the high-entropy layouts of recent kernels.
  setarch "$(uname -m)" -R "$bin" --gtest_brief=1 || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-tsan: FAILED under ThreadSanitizer: ${failed[*]}" >&2
  exit 1
fi
echo "run-tsan: ${#targets[@]} test programs pass under ThreadSanitizer"
