#!/usr/bin/env bash
# Issue #15: a primary that comes back after its site was frozen must not
# take the cluster back from the primary Patroni promoted meanwhile.
#
# Found by the 120-fault run (docs/SECURITY.md, "Losing a site"): Patroni
# 3.0.2's etcd3 backend renews a leader key whose lease expired by granting
# a new lease and writing the key unconditionally when its (possibly stale)
# cache still names itself as leader (upstream patroni#2689, Patroni 3.0.3).
# The old primary, woken after SIGSTOP or a healed partition, so overwrote
# the new primary's leader key; the new primary demoted itself and was
# rewound onto the old timeline, discarding commits its synchronous standby
# had confirmed: receipted actas vanished and signed checkpoints forked.
#
# Each round: freeze the primary's whole site (etcd member, Patroni,
# PostgreSQL; odd rounds) or cut it off the network (even rounds), wait for
# Patroni to promote another site, commit a marker
# row there and wait until a synchronous standby has flushed it (the rule
# acta applies before a receipt or a checkpoint), bring the old site back,
# let Patroni settle, and check that the marker is still on the primary and
# the old site did not lead again.
#
# Needs a running cluster (ha-cluster.sh up; ACTA_HA_DIR), as root for the
# partition. ACTA_HA_ROUNDS (default 2) rounds; each takes about 40 s.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
ha=$root/scripts/ha-cluster.sh
DIR=${ACTA_HA_DIR:-/tmp/acta-ha}
BASE=$(cat "$DIR/base_port")
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
TTL=${ACTA_HA_TTL:-10}
rounds=${ACTA_HA_ROUNDS:-2}

fail() {
  echo "ha_revived_primary: FAIL: $*" >&2
  exit 1
}

# psql against site $1's PostgreSQL (as the cluster's superuser).
sql() {
  local s=$1
  shift
  PGCONNECT_TIMEOUT=3 timeout 60 "$PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 \
    "postgresql://acta:acta@127.0.0.1:$((BASE + s - 1))/postgres" -c "$@"
}

# The site Patroni answers 200 on /primary for, other than $1.
other_primary() {
  local s
  for s in 1 2 3; do
    [ "$s" = "$1" ] && continue
    if [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' \
      "http://127.0.0.1:$((BASE + 10 + s - 1))/primary" || true)" = 200 ]; then
      echo "$s"
      return 0
    fi
  done
  return 1
}

"$ha" wait-sync 180 >/dev/null
p=$("$ha" primary)
sql "$p" "CREATE TABLE IF NOT EXISTS ha_revived_marker (round text PRIMARY KEY)" >/dev/null

for r in $(seq 1 "$rounds"); do
  old=$("$ha" primary)
  marker="round-$r-$$-$RANDOM"
  # Odd rounds freeze the site, even ones cut it off the network.
  if [ $((r % 2)) = 1 ]; then kind=frozen undo=cont-site; else kind="cut off" undo=heal; fi
  if [ "$undo" = cont-site ]; then "$ha" stop-site "$old"; else "$ha" partition "$old"; fi
  trap '"$ha" "$undo" "$old" || true' EXIT
  # Patroni promotes the synchronous standby once the leader key expires.
  new=""
  for _ in $(seq 1 $((TTL * 8))); do
    if new=$(other_primary "$old"); then break; fi
    sleep 0.5
  done
  [ -n "$new" ] || fail "round $r: no site was promoted within $((TTL * 4)) s of site $old $kind"
  # Patroni answers /primary as soon as it holds the key; PostgreSQL takes a
  # moment more to leave recovery.
  for _ in $(seq 1 120); do
    [ "$(sql "$new" "SELECT pg_is_in_recovery()" || echo t)" = f ] && break
    sleep 0.5
  done
  # A commit on the new primary returns once its synchronous standby (the
  # third site, which strict mode waits for) flushed it; then check it the
  # way acta does before it hands out a receipt.
  sql "$new" "INSERT INTO ha_revived_marker VALUES ('$marker')" >/dev/null ||
    fail "round $r: cannot commit the marker on the new primary, site $new"
  confirmed=0
  for _ in $(seq 1 100); do
    n=$(sql "$new" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' \
      AND sync_state IN ('sync', 'quorum') AND flush_lsn >= pg_current_wal_flush_lsn()" || echo 0)
    if [ "$n" -gt 0 ]; then
      confirmed=1
      break
    fi
    sleep 0.1
  done
  [ $confirmed = 1 ] || fail "round $r: no synchronous standby of site $new confirmed the marker"
  echo "ha_revived_primary: round $r: site $old $kind, site $new promoted, marker confirmed"
  "$ha" "$undo" "$old"
  trap - EXIT
  # The old site's Patroni runs its loop at once; watch it for a few loops.
  leaders=""
  for _ in $(seq 1 $((TTL * 2))); do
    if [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' \
      "http://127.0.0.1:$((BASE + 10 + old - 1))/primary" || true)" = 200 ]; then
      leaders+=" $old"
    fi
    sleep 0.5
  done
  [ -z "$leaders" ] || fail "round $r: site $old answered as primary again after it came back" \
    "(site $new had been promoted and confirmed a commit)"
  "$ha" wait-sync 180 >/dev/null || fail "round $r: the cluster did not recover"
  now=$("$ha" primary)
  have=$(sql "$now" "SELECT count(*) FROM ha_revived_marker WHERE round = '$marker'")
  [ "$have" = 1 ] ||
    fail "round $r: the confirmed marker is gone: site $new was promoted, site $old came back," \
      "the primary is now site $now"
  echo "ha_revived_primary: round $r: marker kept on site $now; site $old did not lead again"
done
echo "ha_revived_primary: OK ($rounds rounds)"
