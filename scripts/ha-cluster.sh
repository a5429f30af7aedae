#!/usr/bin/env bash
# A local three-site PostgreSQL 15 cluster replicated by Patroni 3.0 with etcd,
# on loopback, for tests, benchmarks and the demo (issue #15;
# docs/OPERATIONS.md, "Three sites"). Site N (1..3) is one etcd member, one
# Patroni and the PostgreSQL it manages. Patroni runs in synchronous_mode
# (strict), so a COMMIT returns only once a synchronous standby flushed it,
# and a failover promotes only that standby.
#
#   ha-cluster.sh up            start the three sites, wait for a primary and a
#                               synchronous standby, print the connection URL
#   ha-cluster.sh down          stop everything and remove the directory
#   ha-cluster.sh status        one line per site: etcd, Patroni role, timeline, lag
#   ha-cluster.sh url           the libpq multi-host URL centers connect with
#   ha-cluster.sh primary       the site number of the current primary
#   ha-cluster.sh kill-primary  kill -9 the primary's Patroni and PostgreSQL
#   ha-cluster.sh blackout [N]  kill -9 everything of site N (default: the
#                               primary's): etcd member, Patroni, PostgreSQL;
#                               prints the site and the time of the kills (Unix ms)
#   ha-cluster.sh stop-site N / cont-site N
#                               SIGSTOP / SIGCONT everything of site N
#   ha-cluster.sh restore N     start site N's etcd and Patroni again (it rejoins
#                               as a replica, rewound if needed)
#   ha-cluster.sh wait-sync [S] wait (S seconds, default 120) until there is a primary
#                               with a synchronous standby and the other sites stream
#                               from it (see unstick_sync and reinit_site)
#
#   ha-cluster.sh partition N / heal N
#                               cut site N off the network (nftables drops every packet
#                               its processes send and every packet to its ports) / undo
#   ha-cluster.sh kill-etcd-leader
#                               kill -9 the etcd member that leads; prints its site
#
# Settings (environment): ACTA_HA_DIR (default /tmp/acta-ha),
# ACTA_HA_BASE_PORT (default 26000; "auto" picks a free random one below the
# kernel's ephemeral port range at up):
# site N uses PostgreSQL BASE+N-1, Patroni REST BASE+10+N-1, etcd client
# BASE+20+N-1 and peer BASE+30+N-1.
# ACTA_HA_TTL (default 10 s): Patroni's leader key ttl, the failover window.
# As root the daemons run as the "postgres" system user (PostgreSQL refuses root).
set -euo pipefail

DIR=${ACTA_HA_DIR:-/tmp/acta-ha}
# A running cluster remembers its base port, so later commands need only
# ACTA_HA_DIR.
if [ -z "${ACTA_HA_BASE_PORT:-}" ] && [ -f "$DIR/base_port" ]; then
  BASE=$(cat "$DIR/base_port")
else
  BASE=${ACTA_HA_BASE_PORT:-26000}
fi
TTL=${ACTA_HA_TTL:-10}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SITES=(1 2 3)

die() {
  echo "ha-cluster: $*" >&2
  exit 1
}

pg_port() { echo $((BASE + $1 - 1)); }
rest_port() { echo $((BASE + 10 + $1 - 1)); }
etcd_client_port() { echo $((BASE + 20 + $1 - 1)); }
etcd_peer_port() { echo $((BASE + 30 + $1 - 1)); }

# shellcheck source=scripts/pg-common.sh
. "$(dirname "$0")/pg-common.sh"

etcd_endpoints() {
  local out="" s
  for s in "${SITES[@]}"; do out+="${out:+,}http://127.0.0.1:$(etcd_client_port "$s")"; done
  echo "$out"
}

url() {
  local hosts="" s
  for s in "${SITES[@]}"; do hosts+="${hosts:+,}127.0.0.1:$(pg_port "$s")"; done
  # connect_timeout is per host: a host that drops packets (partitioned)
  # costs that much before libpq tries the next one.
  echo "postgres://acta@$hosts/postgres?target_session_attrs=read-write&connect_timeout=3"
}

# Partitions: each site's processes run in a cgroup (v2) of their own, so
# nftables can drop every packet a site's sockets send ("socket cgroupv2"),
# whatever its ports. Needs root; without it there are no partitions.
CG_MOUNT=/sys/fs/cgroup/acta-ha
cg_dir() { echo "$CG_MOUNT/b$BASE-site$1"; }
NFT_TABLE=acta_ha_$BASE

cgroups_ready() {
  [ "$(id -u)" -eq 0 ] || return 1
  if ! mountpoint -q "$CG_MOUNT"; then
    mkdir -p "$CG_MOUNT" 2>/dev/null && mount -t cgroup2 none "$CG_MOUNT" 2>/dev/null || return 1
  fi
  return 0
}

# Starts `cmd...` as the owner in a session of its own (and in site `site`'s
# cgroup when there are cgroups), output to `log`, its pid into `pidfile`.
spawn() {
  local site=$1 pidfile=$2 log=$3
  shift 3
  local enter=(env)
  if cgroups_ready; then
    mkdir -p "$(cg_dir "$site")"
    enter=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$(cg_dir "$site")")
  fi
  if [ "$(id -u)" -eq 0 ]; then
    setsid "${enter[@]}" runuser -u postgres -- "$@" >>"$log" 2>&1 </dev/null &
  else
    setsid "$@" >>"$log" 2>&1 </dev/null &
  fi
  echo $! >"$pidfile"
}

# True if process $1 runs: exists and is not a zombie (the daemons are
# setsid'd orphans, and a container's init may never reap them).
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

# The pid of the real daemon. As root the pid file holds runuser's, and
# runuser forks the daemon as its child: a runuser without a live child is
# no daemon (e.g. one stopped along with its child by stop-site, which never
# saw the child die).
daemon_pid() {
  local pidfile=$1 pid child
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  alive "$pid" || return 1
  if [ "$(id -u)" -ne 0 ]; then
    echo "$pid"
    return 0
  fi
  child=$(pgrep -P "$pid" | head -1 || true)
  [ -n "$child" ] && alive "$child" || return 1
  echo "$child"
}

# Before a daemon is started again: its old runuser, if one is left without
# a daemon, goes.
reap_wrapper() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  daemon_pid "$pidfile" >/dev/null && return 0
  pid=$(cat "$pidfile")
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
}

partition() {
  local s=$1
  cgroups_ready && [ -d "$(cg_dir "$s")" ] || die "partitions need root and cgroup v2 (site $s has no cgroup)"
  command -v nft >/dev/null || die "nft missing: run scripts/install-deps.sh (nftables)"
  nft add table inet "$NFT_TABLE"
  nft add chain inet "$NFT_TABLE" "site$s" "{ type filter hook output priority 0; }"
  nft add rule inet "$NFT_TABLE" "site$s" socket cgroupv2 level 1 "acta-ha/b$BASE-site$s" drop
  nft add rule inet "$NFT_TABLE" "site$s" ip daddr 127.0.0.1 tcp dport "{ $(pg_port "$s"), \
$(rest_port "$s"), $(etcd_client_port "$s"), $(etcd_peer_port "$s") }" drop
}

heal() {
  nft delete chain inet "$NFT_TABLE" "site$1" 2>/dev/null || true
}

postmaster_pid() {
  local f="$DIR/site$1/pgdata/postmaster.pid"
  [ -f "$f" ] || return 1
  local pid
  pid=$(head -1 "$f")
  alive "$pid" || return 1
  echo "$pid"
}

start_etcd() {
  local s=$1 state=$2 cluster="" t
  for t in "${SITES[@]}"; do
    cluster+="${cluster:+,}etcd$t=http://127.0.0.1:$(etcd_peer_port "$t")"
  done
  spawn "$s" "$DIR/site$s/etcd.pid" "$DIR/site$s/etcd.log" /usr/bin/etcd \
    --name "etcd$s" --data-dir "$DIR/site$s/etcd" \
    --listen-client-urls "http://127.0.0.1:$(etcd_client_port "$s")" \
    --advertise-client-urls "http://127.0.0.1:$(etcd_client_port "$s")" \
    --listen-peer-urls "http://127.0.0.1:$(etcd_peer_port "$s")" \
    --initial-advertise-peer-urls "http://127.0.0.1:$(etcd_peer_port "$s")" \
    --initial-cluster "$cluster" --initial-cluster-state "$state" \
    --initial-cluster-token "acta-ha-$BASE" \
    --heartbeat-interval 100 --election-timeout 1000 --pre-vote --enable-v2=true
}

write_patroni_config() {
  local s=$1 hosts="" t
  for t in "${SITES[@]}"; do hosts+="${hosts:+,}127.0.0.1:$(etcd_client_port "$t")"; done
  # loop_wait + 2 * retry_timeout <= ttl (Patroni's rule).
  local loop=$((TTL / 5 > 1 ? TTL / 5 : 1))
  local retry=$(((TTL - loop) / 2))
  cat >"$DIR/site$s/patroni.yml" <<EOF
scope: acta-ha-$BASE
namespace: /acta/
name: site$s
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(rest_port "$s")
  connect_address: 127.0.0.1:$(rest_port "$s")
# Patroni talks to etcd over its v2 API, not etcd3: Patroni 3.0.2's etcd3
# backend renews a leader key whose lease expired (its process was frozen
# or cut off past the ttl) by writing the key unconditionally when its
# cached view, possibly stale, still names itself (fixed upstream after
# 3.0.2: patroni#2689, #2693). An old primary woken after SIGSTOP or a healed partition so took
# the cluster back from the standby promoted meanwhile, which was rewound
# and lost the commits its own synchronous standby had confirmed. The v2
# backend renews the key with a compare-and-swap on its value
# (prevValue=name) and reads the cluster afresh on every loop, so a
# primary that lost the key can only demote
# (tests/center/ha_revived_primary_test.sh).
etcd:
  hosts: $hosts
bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $loop
    retry_timeout: $retry
    maximum_lag_on_failover: 1048576
    # A COMMIT returns only once a synchronous standby flushed it; with
    # strict mode a primary left without one blocks commits rather than
    # running alone, and only the synchronous standby is ever promoted.
    synchronous_mode: true
    synchronous_mode_strict: true
    synchronous_node_count: 1
    check_timeline: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        synchronous_commit: "on"
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_sender_timeout: 5s
        wal_receiver_status_interval: 1s
        max_connections: 200
        shared_buffers: 32MB
  initdb:
  - encoding: UTF8
  - locale: C
  - data-checksums
  pg_hba:
  - local all all trust
  - host all all 127.0.0.1/32 trust
  - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$(pg_port "$s")
  connect_address: 127.0.0.1:$(pg_port "$s")
  # Patroni talks to its own PostgreSQL over the unix socket, so a partition
  # of the site (TCP only) cuts it off from etcd and the other sites, not
  # from its own server.
  use_unix_socket: true
  data_dir: $DIR/site$s/pgdata
  bin_dir: $PG_BIN
  pgpass: $DIR/site$s/pgpass
  authentication:
    superuser:
      username: acta
      password: acta
    replication:
      username: replicator
      password: replicator
    rewind:
      username: acta
      password: acta
  parameters:
    unix_socket_directories: '$DIR/site$s'
    fsync: "on"
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
EOF
}

start_patroni() {
  spawn "$1" "$DIR/site$1/patroni.pid" "$DIR/site$1/patroni.log" /usr/bin/patroni \
    "$DIR/site$1/patroni.yml"
}

# GET on a site's Patroni REST API: prints the HTTP status (000 if down).
rest_status() {
  curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$(rest_port "$1")$2" || true
}

primary_site() {
  local s
  for s in "${SITES[@]}"; do
    if [ "$(rest_status "$s" /primary)" = 200 ]; then
      echo "$s"
      return 0
    fi
  done
  return 1
}

# Patroni 3.0.2 on etcd3 (this script's earlier configuration) could be left
# with a stale watch cache after it was starved of CPU or its etcd member
# went away: the primary then failed every compare-and-swap of the /sync key
# ("Synchronous replication key updated by someone else", patroni#2779;
# upstream invalidates the cache on such a failure since #2783, Patroni 3.1)
# and never named a synchronous standby, so strict mode blocked every commit
# (acta answers 503: safe, but the cluster never recovered by itself). The
# v2 backend has no such cache and a 102-fault run needed no restart; the
# repair stays for a Patroni that keeps failing that way all the same. A new
# Patroni process reads etcd afresh; PostgreSQL keeps running meanwhile.
# Each restart is logged in $DIR/patroni-restarts.
unstick_sync() {
  local p=$1 log="$DIR/site$1/patroni.log" pid
  [ -f "$log" ] || return 1
  [ "$(tail -n 8 "$log" | grep -c 'Synchronous replication key updated by someone else')" -ge 2 ] ||
    return 1
  echo "ha-cluster: site $p's Patroni keeps failing to update /sync (stale etcd3 cache," \
    "patroni#2779): restarting it" >&2
  echo "$(date -u +%FT%TZ) site$p" >>"$DIR/patroni-restarts"
  if pid=$(daemon_pid "$DIR/site$p/patroni.pid"); then kill -9 "$pid" 2>/dev/null || true; fi
  sleep 0.5
  reap_wrapper "$DIR/site$p/patroni.pid"
  start_patroni "$p"
}

# The sites streaming from primary site $1, one "siteN" a line (from its
# Patroni's view of pg_stat_replication).
streaming_sites() {
  curl -s -m 2 "http://127.0.0.1:$(rest_port "$1")/patroni" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit(0)
for r in d.get("replication", []):
    if r.get("state") == "streaming":
        print(r.get("application_name", ""))
' 2>/dev/null || true
}

# A replica that has not streamed from the primary for a minute (seen after
# many failovers on a starved host: pg_rewind failing on a torn WAL record,
# then a standby stuck "starting up" without a walreceiver) is rebuilt from the
# primary, as an operator would (Patroni's reinitialize). Logged in
# $DIR/reinits.
reinit_site() {
  echo "ha-cluster: site $1 does not stream from the primary: reinitializing it" >&2
  echo "$(date -u +%FT%TZ) site$1" >>"$DIR/reinits"
  curl -s -m 15 -o /dev/null -X POST -d '{"force": true}' \
    "http://127.0.0.1:$(rest_port "$1")/reinitialize" || true
}

# Waits (up to $1 seconds) until there is a primary with a synchronous
# standby and every other site streams from it, so the next fault starts
# from a whole cluster.
wait_sync() {
  local limit=$1 s stuck_since="" sync streaming ok
  local -A behind_since=()
  local end=$((SECONDS + limit))
  while [ "$SECONDS" -lt "$end" ]; do
    if p=$(primary_site); then
      sync=0
      ok=1
      streaming=$(streaming_sites "$p")
      for s in "${SITES[@]}"; do
        [ "$s" = "$p" ] && continue
        if [ "$(rest_status "$s" /sync)" = 200 ]; then sync=1; fi
        if grep -qx "site$s" <<<"$streaming"; then
          behind_since[$s]=""
        else
          ok=0
          [ -n "${behind_since[$s]:-}" ] || behind_since[$s]=$SECONDS
          # (Its REST API may be too slow to answer a 1 s probe while its
          # PostgreSQL is stuck starting up; reinit_site tries anyway.)
          if [ $((SECONDS - behind_since[$s])) -ge 60 ]; then
            reinit_site "$s"
            behind_since[$s]=$((SECONDS + 60)) # give the rebuild time
          fi
        fi
      done
      [ $sync = 1 ] && [ $ok = 1 ] && return 0
      # A primary without a synchronous standby for 20 s: see unstick_sync.
      if [ $sync = 0 ]; then
        [ -n "$stuck_since" ] || stuck_since=$SECONDS
        if [ $((SECONDS - stuck_since)) -ge 20 ] && unstick_sync "$p"; then stuck_since=""; fi
      else
        stuck_since=""
      fi
    else
      stuck_since=""
    fi
    sleep 0.5
  done
  return 1
}

kill_site_pg() {
  local s=$1 pid
  if pid=$(daemon_pid "$DIR/site$s/patroni.pid"); then kill -9 "$pid" 2>/dev/null || true; fi
  if pid=$(postmaster_pid "$s"); then
    kill -9 "$pid" 2>/dev/null || true
    # The postmaster's children would linger until they notice its death.
    pkill -9 -P "$pid" 2>/dev/null || true
  fi
}

signal_site() {
  local s=$1 sig=$2 pid
  for f in etcd patroni; do
    if pid=$(daemon_pid "$DIR/site$s/$f.pid"); then kill "-$sig" "$pid" 2>/dev/null || true; fi
    # runuser stops itself when its child stops; it must go on too, or it
    # never reaps the daemon and a later restore takes it for one.
    if [ "$sig" = CONT ] && [ -f "$DIR/site$s/$f.pid" ]; then
      kill -CONT "$(cat "$DIR/site$s/$f.pid")" 2>/dev/null || true
    fi
  done
  if pid=$(postmaster_pid "$s"); then
    kill "-$sig" "$pid" 2>/dev/null || true
    pkill "-$sig" -P "$pid" 2>/dev/null || true
  fi
}

cmd=${1:-}
case "$cmd" in
  up)
    [ -x /usr/bin/patroni ] && [ -x /usr/bin/etcd ] ||
      die "patroni or etcd missing: run scripts/install-deps.sh (patroni, etcd-server, etcd-client)"
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found: install postgresql-15"
    /usr/bin/python3 -c 'import etcd' 2>/dev/null ||
      die "python3-etcd missing (Patroni's etcd v2 backend): run scripts/install-deps.sh"
    if [ -d "$DIR" ]; then "$0" down >/dev/null 2>&1 || true; fi
    ports_free() {
      local s p
      for s in "${SITES[@]}"; do
        for p in "$(pg_port "$s")" "$(rest_port "$s")" "$(etcd_client_port "$s")" \
          "$(etcd_peer_port "$s")"; do
          if ss -Hltna "sport = :$p" | grep -q .; then return 1; fi
        done
      done
    }
    if [ "${ACTA_HA_BASE_PORT:-}" = auto ]; then
      # Below the kernel's ephemeral range: a port in it can be taken by any
      # outgoing connection while a killed daemon is down, and the daemon
      # could not listen on it again at restore.
      low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
      span=$(((low - 10000 - 40) / 10))
      [ "$span" -gt 10 ] || die "no room below the ephemeral port range ($low) for ACTA_HA_BASE_PORT=auto"
      for _ in $(seq 1 50); do
        BASE=$((10000 + (RANDOM % span) * 10))
        ports_free && break
      done
    fi
    ports_free || die "a port in $BASE..$((BASE + 32)) is in use: pick another ACTA_HA_BASE_PORT"
    mkdir -p "$DIR"
    echo "$BASE" >"$DIR/base_port"
    [ ${#DIR} -le 80 ] || die "directory path too long for a unix socket: $DIR"
    for s in "${SITES[@]}"; do mkdir -p "$DIR/site$s"; done
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the servers as"
      chown -R postgres: "$DIR"
    fi
    for s in "${SITES[@]}"; do start_etcd "$s" new; done
    ok=0
    for _ in $(seq 1 100); do
      if as_owner env ETCDCTL_API=3 etcdctl --endpoints "$(etcd_endpoints)" endpoint health \
        >/dev/null 2>&1; then
        ok=1
        break
      fi
      sleep 0.2
    done
    [ $ok = 1 ] || die "etcd did not become healthy; see $DIR/site*/etcd.log"
    for s in "${SITES[@]}"; do
      write_patroni_config "$s"
      [ "$(id -u)" -ne 0 ] || chown postgres: "$DIR/site$s/patroni.yml"
      start_patroni "$s"
    done
    wait_sync 180 || die "no primary with a synchronous standby after 180 s; see $DIR/site*/patroni.log"
    url >"$DIR/url"
    url
    ;;
  down)
    for s in "${SITES[@]}"; do
      if pid=$(daemon_pid "$DIR/site$s/patroni.pid"); then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for _ in $(seq 1 150); do
      alive=0
      for s in "${SITES[@]}"; do
        if daemon_pid "$DIR/site$s/patroni.pid" >/dev/null || postmaster_pid "$s" >/dev/null; then
          alive=1
        fi
      done
      [ $alive = 0 ] && break
      sleep 0.2
    done
    for s in "${SITES[@]}"; do
      kill_site_pg "$s"
      if pid=$(daemon_pid "$DIR/site$s/etcd.pid"); then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    sleep 0.5
    for s in "${SITES[@]}"; do
      if pid=$(daemon_pid "$DIR/site$s/etcd.pid"); then kill -9 "$pid" 2>/dev/null || true; fi
    done
    if [ "$(id -u)" -eq 0 ] && command -v nft >/dev/null; then
      nft delete table inet "$NFT_TABLE" 2>/dev/null || true
    fi
    # Whatever the pid files missed (a daemon left stopped by stop-site, a
    # runuser whose child is a zombie) is still in its site's cgroup.
    for s in "${SITES[@]}"; do
      if [ -f "$(cg_dir "$s")/cgroup.procs" ]; then
        xargs -r kill -9 <"$(cg_dir "$s")/cgroup.procs" 2>/dev/null || true
      fi
    done
    sleep 0.2
    for s in "${SITES[@]}"; do rmdir "$(cg_dir "$s")" 2>/dev/null || true; done
    rm -rf "$DIR"
    ;;
  status)
    for s in "${SITES[@]}"; do
      etcd=down
      if as_owner env ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$(etcd_client_port "$s")" \
        endpoint health >/dev/null 2>&1; then etcd=up; fi
      info=$(curl -s -m 1 "http://127.0.0.1:$(rest_port "$s")/patroni" || true)
      if [ -n "$info" ]; then
        line=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("role","?"), d.get("state","?"), "timeline", d.get("timeline","?"))' <<<"$info" 2>/dev/null || echo "?")
        [ "$(rest_status "$s" /sync)" = 200 ] && line+=" (synchronous standby)"
      else
        line="patroni down"
      fi
      echo "site$s pg=127.0.0.1:$(pg_port "$s") etcd=$etcd $line"
    done
    ;;
  url)
    url
    ;;
  primary)
    primary_site || die "no primary"
    ;;
  kill-primary)
    p=$(primary_site) || die "no primary to kill"
    kill_site_pg "$p"
    echo "$p"
    ;;
  blackout)
    s=${2:-}
    [ -n "$s" ] || s=$(primary_site) || die "no primary"
    # The etcd pid first, so the kills follow each other closely; then the
    # site and the time of the kills (Unix ms: on a loaded host this script
    # can take seconds to return).
    etcd_pid=$(daemon_pid "$DIR/site$s/etcd.pid" || true)
    kill_site_pg "$s"
    if [ -n "$etcd_pid" ]; then kill -9 "$etcd_pid" 2>/dev/null || true; fi
    echo "$s $(date +%s%3N)"
    ;;
  kill-etcd-leader)
    leader=$(as_owner env ETCDCTL_API=3 etcdctl --endpoints "$(etcd_endpoints)" endpoint status \
      -w json 2>/dev/null | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    st = e["Status"]
    if st["header"]["member_id"] == st["leader"]:
        print(e["Endpoint"].rsplit(":", 1)[1])
        break
') || true
    [ -n "$leader" ] || die "no etcd leader"
    s=$((leader - BASE - 20 + 1))
    if pid=$(daemon_pid "$DIR/site$s/etcd.pid"); then kill -9 "$pid"; fi
    echo "$s"
    ;;
  partition)
    partition "${2:?site number}"
    ;;
  heal)
    heal "${2:?site number}"
    ;;
  stop-site)
    signal_site "${2:?site number}" STOP
    ;;
  cont-site)
    signal_site "${2:?site number}" CONT
    ;;
  restore)
    s=${2:?site number}
    if ! daemon_pid "$DIR/site$s/etcd.pid" >/dev/null; then
      reap_wrapper "$DIR/site$s/etcd.pid"
      start_etcd "$s" existing
    fi
    if ! daemon_pid "$DIR/site$s/patroni.pid" >/dev/null; then
      reap_wrapper "$DIR/site$s/patroni.pid"
      start_patroni "$s"
    fi
    ;;
  wait-sync)
    wait_sync "${2:-120}" || die "no primary with a synchronous standby"
    ;;
  *)
    die "usage: $0 up|down|status|url|primary|kill-primary|kill-etcd-leader|blackout [N]|partition N|heal N|stop-site N|cont-site N|restore N|wait-sync [SECONDS]"
    ;;
esac
