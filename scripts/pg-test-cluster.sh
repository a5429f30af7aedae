#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and CI.
#
#   pg-test-cluster.sh start DIR   initdb in DIR/data, start it on a free
#                                  127.0.0.1 port (unix socket in DIR/sock),
#                                  write the URL to DIR/url and print it
#   pg-test-cluster.sh stop DIR    stop the server and remove DIR
#   pg-test-cluster.sh down DIR    stop the server, keep DIR (restart tests)
#   pg-test-cluster.sh up DIR      start an existing DIR again, same port
#
# The superuser is "acta" with trust authentication on loopback only; fsync
# and synchronous_commit stay on, so tests see real durability. As root, the
# server runs as the "postgres" system user (PostgreSQL refuses root) and DIR
# is chowned to it. Exits non-zero with a message on stderr if PostgreSQL
# cannot start.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

usage() { die "usage: $0 start|stop|down|up DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage

# shellcheck source=scripts/pg-common.sh
. "$(dirname "$0")/pg-common.sh"

start_server() {
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
}

case "$cmd" in
  start)
    [ -x "$PG_BIN/initdb" ] ||
      die "$PG_BIN/initdb not found: install postgresql-15 (scripts/install-deps.sh)"
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir/sock"
    dir=$(cd "$dir" && pwd)
    # The socket path must fit in sun_path (107 bytes).
    [ ${#dir} -le 90 ] || die "directory path too long for a unix socket: $dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as"
      chown -R postgres: "$dir"
      # The server must be able to reach DIR through its parents.
      p=$dir
      while [ "$p" != "/" ]; do
        p=$(dirname "$p")
        if ! runuser -u postgres -- test -x "$p"; then
          die "user postgres cannot traverse $p (needed to reach $dir)"
        fi
      done
    fi
    if ! as_owner "$PG_BIN/initdb" -D "$dir/data" -U acta --auth=trust --encoding=UTF8 \
      --locale=C --no-instructions >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      die "initdb failed"
    fi
    # Ephemeral-range ports, retried: another process may take a port between
    # the check and the bind.
    for attempt in $(seq 1 20); do
      port=$((20000 + RANDOM % 30000))
      port_in_use "$port" && continue
      cat >"$dir/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
shared_buffers = 32MB
logging_collector = off
EOF
      if start_server; then
        url="postgres://acta@127.0.0.1:$port/postgres"
        echo "$url" >"$dir/url"
        echo "$url"
        exit 0
      fi
      echo "pg-test-cluster: start on port $port failed (attempt $attempt)" >&2
    done
    cat "$dir/server.log" >&2 || true
    die "PostgreSQL did not start; see $dir/server.log"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ||
        die "pg_ctl stop failed"
    fi
    rm -rf "$dir"
    ;;
  down)
    [ -d "$dir/data" ] || die "no cluster in $dir"
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  up)
    [ -d "$dir/data" ] || die "no cluster in $dir"
    start_server || die "PostgreSQL did not start; see $dir/server.log"
    ;;
  *)
    usage
    ;;
esac
