#!/usr/bin/env bash
# A throwaway PostgreSQL 15 primary with one synchronous standby, for the
# tests of the rules acta adds on top of synchronous replication (issue #15).
# Plain streaming replication, no Patroni: the tests need a standby they can
# stop and start, not failover (scripts/ha-cluster.sh has that).
#
#   pg-test-pair.sh start DIR         primary in DIR/primary (scripts/pg-test-cluster.sh),
#                                     standby in DIR/standby streaming from it, named
#                                     acta_standby in synchronous_standby_names;
#                                     writes the primary's URL to DIR/url and prints it
#   pg-test-pair.sh stop DIR          stop both and remove DIR
#   pg-test-pair.sh standby-down DIR  stop the standby (immediate): commits now wait
#   pg-test-pair.sh standby-up DIR    start it again; it catches up and waiting commits return
#   pg-test-pair.sh primary-restart DIR
#                                     stop the primary (fast: backends waiting for the standby
#                                     are terminated, their commits stay local) and start it
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
here=$(cd "$(dirname "$0")" && pwd)

die() {
  echo "pg-test-pair: $*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: $0 start|stop|standby-down|standby-up|primary-restart DIR"
cmd=$1
dir=$2

# shellcheck source=scripts/pg-common.sh
. "$(dirname "$0")/pg-common.sh"

# Starts the standby and waits until the primary sees it as its
# synchronous standby.
standby_start() {
  as_owner "$PG_BIN/pg_ctl" -D "$dir/standby/data" -l "$dir/standby/server.log" -w -t 60 start \
    >/dev/null || return 1
  local url
  url=$(cat "$dir/primary/url")
  for _ in $(seq 1 300); do
    n=$(as_owner "$PG_BIN/psql" "$url" -Atc \
      "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'")
    [ "$n" = 1 ] && return 0
    sleep 0.1
  done
  echo "pg-test-pair: the standby started but did not become synchronous; see $dir/standby/server.log" >&2
  return 2
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    # Both servers run as postgres (as root) and must reach their folders.
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    url=$("$here/pg-test-cluster.sh" start "$dir/primary")
    primary_port=${url##*:}
    primary_port=${primary_port%%/*}
    cat >>"$dir/primary/data/postgresql.auto.conf" <<CONF
synchronous_standby_names = 'acta_standby'
wal_sender_timeout = 5s
CONF
    as_owner "$PG_BIN/pg_ctl" -D "$dir/primary/data" reload >/dev/null
    mkdir -p "$dir/standby/sock"
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir/standby"
    as_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U acta \
      -D "$dir/standby/data" -X stream -c fast >"$dir/standby/basebackup.log" 2>&1 ||
      die "pg_basebackup failed: $(cat "$dir/standby/basebackup.log")"
    as_owner touch "$dir/standby/data/standby.signal"
    for attempt in $(seq 1 20); do
      port=$((20000 + RANDOM % 30000))
      port_in_use "$port" && continue
      # Replaces the primary's settings copied by the base backup.
      as_owner tee "$dir/standby/data/postgresql.auto.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/standby/sock'
fsync = on
max_connections = 200
shared_buffers = 32MB
logging_collector = off
primary_conninfo = 'host=127.0.0.1 port=$primary_port user=acta application_name=acta_standby'
wal_receiver_status_interval = 1s
CONF
      rc=0
      standby_start || rc=$?
      if [ "$rc" = 0 ]; then
        echo "$url" >"$dir/url"
        echo "$port" >"$dir/standby/port"
        echo "$url"
        exit 0
      fi
      [ "$rc" = 1 ] || exit 1
      echo "pg-test-pair: standby start on port $port failed (attempt $attempt)" >&2
    done
    die "the standby did not start; see $dir/standby/server.log"
    ;;
  stop)
    if [ -f "$dir/standby/data/postmaster.pid" ]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/standby/data" -m immediate -w stop >/dev/null || true
    fi
    if [ -d "$dir/primary" ]; then "$here/pg-test-cluster.sh" stop "$dir/primary"; fi
    rm -rf "$dir"
    ;;
  standby-down)
    as_owner "$PG_BIN/pg_ctl" -D "$dir/standby/data" -m immediate -w stop >/dev/null
    ;;
  standby-up)
    standby_start || die "the standby did not start; see $dir/standby/server.log"
    ;;
  primary-restart)
    "$here/pg-test-cluster.sh" down "$dir/primary"
    "$here/pg-test-cluster.sh" up "$dir/primary"
    ;;
  *)
    die "usage: $0 start|stop|standby-down|standby-up|primary-restart DIR"
    ;;
esac
