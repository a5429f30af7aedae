#!/usr/bin/env bash
# Jepsen-style fault run for issue #15: brings up the three-site Patroni/etcd
# cluster (scripts/ha-cluster.sh, on a random free base port), runs
# tests/center/ha_fault_test under terminal load with every fault kind
# repeated (default 20 each: kill -9 of the primary's PostgreSQL and Patroni,
# SIGSTOP of the primary's site, a partition cutting the primary's site off,
# blackout of the primary's site, kill -9 of
# the etcd leader, a center killed with COMMITs in flight), then checks that
# every receipt is in the log and the verifier finds no fork or rollback.
# Prints the stall after each fault and per kind (p50, max); the log goes to
# ha-faults.log in the build directory. Takes about 40 s per fault.
#
#   scripts/ha-faults.sh [COUNT]     COUNT faults of each kind (default 20)
#
# Environment: ACTA_HA_FAULTS overrides the plan ("kind:count,..."),
# ACTA_HA_TABLES the number of tables (default 40 per fault), ACTA_HA_STOP_S
# the SIGSTOP time (default 30), ACTA_HA_PARTITION_S the partition's (20),
# ACTA_HA_REPORT=0 keeps docs/PERFORMANCE.md as it is (make demo-ha);
# ACTA_HA_BUILD names the build directory to run from (default
# build/release; another one keeps a long run's binaries apart from
# rebuilds).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-20}
build=${ACTA_HA_BUILD:-$root/build/release}
bin=$build/tests/center/ha_fault_test
if [ ! -x "$bin" ]; then
  echo "ha-faults: build it first: cmake --build $build --target ha_fault_test" >&2
  exit 1
fi

export ACTA_HA_DIR=${ACTA_HA_DIR:-/tmp/acta-ha-faults}
export ACTA_HA_FAULTS=${ACTA_HA_FAULTS:-kill-primary:$count,stop-primary:$count,partition:$count,blackout:$count,etcd-leader:$count,center:$count}
faults=0
IFS=',' read -ra kinds <<<"$ACTA_HA_FAULTS"
for k in "${kinds[@]}"; do faults=$((faults + ${k#*:})); done
export ACTA_HA_TABLES=${ACTA_HA_TABLES:-$((faults * 40))}

ACTA_HA_BASE_PORT=auto "$root/scripts/ha-cluster.sh" up
# The cluster's own logs (Patroni, PostgreSQL, etcd) go with it at down:
# keep a copy beside the run's log first, for a run that fails.
keep_logs() {
  rm -rf "$build/ha-cluster-logs"
  mkdir -p "$build/ha-cluster-logs"
  for d in "$ACTA_HA_DIR"/site*; do
    [ -d "$d" ] || continue
    mkdir -p "$build/ha-cluster-logs/$(basename "$d")"
    cp "$d"/*.log "$build/ha-cluster-logs/$(basename "$d")/" 2>/dev/null || true
  done
  cp "$ACTA_HA_DIR"/reinits "$ACTA_HA_DIR"/patroni-restarts "$build/ha-cluster-logs/" 2>/dev/null || true
}
trap 'keep_logs; "$root/scripts/ha-cluster.sh" down' EXIT
log=$build/ha-faults.log
echo "ha-faults: $faults faults ($ACTA_HA_FAULTS), $ACTA_HA_TABLES tables; log in $log"
export ACTA_HA_OUT=$build/ha-faults.json
rm -f "$ACTA_HA_OUT"
"$bin" 2>&1 | tee "$log"
# A run whose checks all passed wrote its table: it becomes the "ha_faults"
# section of docs/PERFORMANCE.md.
if [ -f "$ACTA_HA_OUT" ] && [ "${ACTA_HA_REPORT:-1}" != 0 ]; then
  python3 "$root/bench/report.py" ha_faults "$ACTA_HA_OUT" \
    --title "Three sites: ingest stall after each fault" --build "$(uname -sr), $(nproc) cores"
fi
