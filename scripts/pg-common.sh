# Shell helpers shared by scripts/pg-test-cluster.sh, pg-test-pair.sh and
# ha-cluster.sh (sourced, not run).

# Runs a command as the owner of the PostgreSQL data: as root, the
# "postgres" system user (PostgreSQL refuses to run as root); otherwise the
# caller.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True if something listens on TCP port $1.
port_in_use() {
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}
