# Sourced by the token tests (sh): run `acta center` and read what it serves.
# Needs $acta (the binary) and $py (python3).

# start_center OUT_PREFIX ARGS...: `acta center ARGS...` in the background,
# stdout and stderr in OUT_PREFIX.out and .err, killed when the script
# exits; waits (at most 10 s) for its public URL. Sets $center (the pid)
# and $public (the URL); exits the script if the center stops first.
start_center() {
  out=$1
  shift
  "$acta" center "$@" >"$out.out" 2>"$out.err" &
  center=$!
  trap 'kill $center 2>/dev/null || true' EXIT
  public=""
  for _ in $(seq 1 100); do
    public=$(sed -n 's/^public //p' "$out.out")
    [ -n "$public" ] && return 0
    kill -0 $center 2>/dev/null || { cat "$out.err"; exit 1; }
    sleep 0.1
  done
  echo "acta center did not start"
  cat "$out.err"
  exit 1
}

# fetch_checkpoint FILE: the started center's /checkpoint into FILE.
fetch_checkpoint() {
  "$py" -c "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1] + '/checkpoint', timeout=10).read().decode())" \
    "$public" >"$1"
}
