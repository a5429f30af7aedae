#!/usr/bin/env bash
# The whole syscall fault sweep of issue #21: `acta center` on SQLite, `acta
# witness` on its SQLite state and `acta mirror` on its directory, each under
# strace, the N-th call of each file syscall made to fail with EIO or ENOSPC
# or to kill the process, for every N up to what a clean run makes
# (tests/center/syscall_fault_test.cc, tests/center/witness_fault_test.cc,
# tests/mirror/mirror_fault_test.cc; ctest runs two N per syscall and fault).
# Writes the "syscall_faults", "syscall_faults_witness" and
# "syscall_faults_mirror" sections of docs/SECURITY.md for each service whose
# cases all passed. The center takes about 5 s per case, the witness and the
# mirror about 0.5 s.
#
#   scripts/syscall-faults.sh [STEP] [SERVICE...]   every STEP-th N (default 1:
#                                                   all); SERVICE: center,
#                                                   witness, mirror (default all)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
step=${1:-1}
shift || true
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(center witness mirror)
if [ "$step" = 1 ]; then export ACTA_SYSCALL_FAULTS=full; else export ACTA_SYSCALL_STEP=$step; fi

# service -> test binary, report section, what a passing case means
declare -A bins=([center]=tests/center/syscall_fault_test [witness]=tests/center/witness_fault_test
                 [mirror]=tests/mirror/mirror_fault_test)
declare -A sections=([center]=syscall_faults [witness]=syscall_faults_witness
                     [mirror]=syscall_faults_mirror)
declare -A passes=(
  [center]="A case passes when the center restarts on the same files, every receipt given before the fault is in the log, every checkpoint published is consistent with the final log, and the public verifier finds nothing."
  [witness]="A case passes when the witness never cosigned a second root for a size, stopped (exit 74) on a failed fsync and on no other fault, named its state file when it refused to start, and after a restart without faults held a checkpoint at least as large as every one it had cosigned, of the same history, refused a smaller size and a second root, and cosigned the next size."
  [mirror]="A case passes when the mirror never renamed its checkpoint into place after a failed write, fsync, rename, mkdir or unlink in the same run, a mirror that stopped named the file or the error, and a restart without faults flushed the file system before publishing, recovered from the directory (which must reproduce its checkpoint) and reached the center's checkpoint. Two scenarios: the first sync into an empty directory and an update of a mirror at an older checkpoint; openat's N counts from the process start (the dynamic loader's calls are skipped)."
)

status=0
for service in "${services[@]}"; do
  bin=$build/${bins[$service]}
  if [ ! -x "$bin" ]; then
    echo "syscall-faults: build it first: cmake --build --preset release --target $(basename "$bin")" >&2
    exit 1
  fi
  out=$build/syscall-faults-$service.json
  log=$build/syscall-faults-$service.log
  rm -f "$out"
  echo "syscall-faults: $service, every ${step}. call; log in $log"
  rc=0
  ACTA_SYSCALL_OUT=$out "$bin" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" != 0 ]; then status=$rc; continue; fi
  [ -f "$out" ] || continue
  python3 - "$out" "${passes[$service]}" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
rows = [[r["syscall"], r["fault"], str(r["max_n"]), str(r["cases"]), str(r["injected"]),
         str(r["passed"])] for r in data["rows"]]
json.dump({"columns": ["syscall", "fault", "N up to", "cases", "fault injected", "passed"],
           "rows": rows,
           "notes": ["N counts each thread's calls of that syscall (strace's counter is per "
                     "thread); 'fault injected' < cases where a run ended before reaching the "
                     "N-th call. " + sys.argv[2]]},
          open(sys.argv[1], "w"))
PY
  python3 "$root/bench/report.py" "${sections[$service]}" "$out" --doc "$root/docs/SECURITY.md" \
    --title "Syscall faults ($service)" --build "$(uname -sr), $(strace -V 2>&1 | sed -n 1p)"
done
exit "$status"
