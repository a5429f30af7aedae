#!/usr/bin/env bash
# The whole syscall fault sweep of issue #21: `acta center` on SQLite under
# strace, the N-th call of each file syscall on the store's files made to
# fail with EIO or ENOSPC or to kill the center, for every N up to what a
# clean run makes (tests/center/syscall_fault_test.cc; ctest runs one N per
# syscall and fault). Writes the "syscall_faults" section of docs/SECURITY.md
# when every case passed. About 5 s per case.
#
#   scripts/syscall-faults.sh [STEP]   every STEP-th N (default 1: all)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ACTA_SYSCALL_BIN:-$root/build/release/tests/center/syscall_fault_test}
if [ ! -x "$bin" ]; then
  echo "syscall-faults: build it first: cmake --build --preset release --target syscall_fault_test" >&2
  exit 1
fi
step=${1:-1}
out=$root/build/release/syscall-faults.json
log=$root/build/release/syscall-faults.log
rm -f "$out"
echo "syscall-faults: every ${step}. call; log in $log"
if [ "$step" = 1 ]; then export ACTA_SYSCALL_FAULTS=full; else export ACTA_SYSCALL_STEP=$step; fi
ACTA_SYSCALL_OUT=$out "$bin" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" = 0 ] && [ -f "$out" ]; then
  python3 - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
rows = [[r["syscall"], r["fault"], str(r["max_n"]), str(r["cases"]), str(r["injected"]),
         str(r["passed"])] for r in data["rows"]]
json.dump({"columns": ["syscall", "fault", "N up to", "cases", "fault injected", "passed"],
           "rows": rows,
           "notes": ["N counts each thread's calls of that syscall on the store's files "
                     "(strace's counter is per thread); 'fault injected' < cases where a run "
                     "ended before reaching the N-th call. A case passes when the center "
                     "restarts on the same files, every receipt given before the fault is in "
                     "the log, every checkpoint published is consistent with the final log, "
                     "and the public verifier finds nothing."]},
          open(sys.argv[1], "w"))
PY
  python3 "$root/bench/report.py" syscall_faults "$out" --doc "$root/docs/SECURITY.md" \
    --title "Syscall faults" --build "$(uname -sr), $(strace -V 2>&1 | sed -n 1p)"
fi
exit "$status"
