#!/usr/bin/env bash
# Builds the same commit twice under varied conditions and compares the
# bytes (docs/SECURITY.md, "Reproducible build"). Debian's reprotest runs
# each pair of builds on this machine (its "null" server): a control build,
# then an experiment in another directory, at another time (faketime moves
# the clock; SOURCE_DATE_EPOCH stays the commit's), with another umask,
# user, locale, time zone, HOME, PATH, host name, kernel name, CPU count and
# (where FUSE allows it) file order. On a difference, diffoscope says where.
#
#   scripts/repro-check.sh [--full]            the release acta and the .deb,
#                                              built twice from a clean export
#                                              of HEAD (two full builds, about
#                                              20 CPU minutes; runs niced)
#   scripts/repro-check.sh --short [BUILD_DIR] what CI runs (ctest repro_short,
#                                              about 2 CPU minutes):
#     1. the probe (cmake/ReproProbe.cmake: a static library of a few real
#        sources and a small program linked against it, release flags)
#        compiled twice from a clean export of HEAD;
#     2. BUILD_DIR's already built tree (default build/release) packed into
#        the .deb twice by CPack, as `make deb` does.
#   --keep       keep the work directory (artifacts, logs, diffoscope report)
#   --only PAIR  of the short check, only that pair (probe or pack)
#
# Exit 0 when every pair is identical, 1 on a difference, 2 on a usage or
# set-up error (a build that fails is a set-up error: its log is printed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=full
tree="$root/build/release"
keep=""
only=""
# reprotest's user variation runs the experiment as this user
# (scripts/install-deps.sh creates it).
repro_user=acta-repro

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --full) mode=full; shift ;;
    --short)
      mode=short; shift
      if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then tree="$(cd "$1" && pwd)"; shift; fi ;;
    --keep) keep=1; shift ;;
    --only) only="${2:-}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "repro-check: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

fail_setup() { echo "repro-check: $*" >&2; exit 2; }
for tool in reprotest diffoscope faketime disorderfs git cmake; do
  command -v "$tool" >/dev/null || fail_setup "$tool is missing (scripts/install-deps.sh installs it)"
done
git -c safe.directory="$root" -C "$root" rev-parse --verify HEAD >/dev/null 2>&1 ||
  fail_setup "$root is not a git checkout: the check builds a clean export of a commit"
git_() { git -c safe.directory="$root" -C "$root" "$@"; }
rev="$(git_ rev-parse --verify HEAD)"
# The one date of the build, the commit's, kept while faketime moves the clock.
SOURCE_DATE_EPOCH="$(git_ log -1 --format=%ct "$rev")"
export SOURCE_DATE_EPOCH
if [ -n "$(git_ status --porcelain --untracked-files=no)" ]; then
  echo "repro-check: note: uncommitted changes are not built (HEAD ${rev:0:12} is)"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/acta-repro.XXXXXX")"
chmod 755 "$work"  # the experiment's user reads the build script here
cleanup() {
  if [ -n "$keep" ]; then echo "repro-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# reprotest 0.7.23 runs `sudo -h localhost ...`, which sudo >= 1.9.10
# refuses ("a remote host may only be specified when listing privileges");
# this wrapper drops the two words.
mkdir -p "$work/bin"
cat >"$work/bin/sudo" <<'EOF'
#!/bin/sh
if [ "${1:-}" = "-h" ] && [ "${2:-}" = "localhost" ]; then shift 2; fi
exec /usr/bin/sudo "$@"
EOF
chmod 755 "$work/bin/sudo"
export PATH="$work/bin:$PATH"

# Which variations this machine allows. The user variation needs root (or
# password-less sudo) and the user; the file-order one needs FUSE for the
# user the build runs as (disorderfs runs as that user).
user_ok=""
if id "$repro_user" >/dev/null 2>&1 && sudo -n true 2>/dev/null; then user_ok=1; fi
fuse_as_user=""
if [ -n "$user_ok" ] && sudo -n -u "$repro_user" test -r /dev/fuse -a -w /dev/fuse 2>/dev/null; then
  fuse_as_user=1
fi
fuse_as_me=""
if [ -r /dev/fuse ] && [ -w /dev/fuse ]; then fuse_as_me=1; fi
# variations USER FILEORDER (each 1 or empty): sets the array `vary` and
# the line `varied` that says what a pair of builds differed in.
variations() {
  vary=(--vary=+all)
  local skipped=()
  if [ -n "$1" ]; then
    vary+=("--vary=user_group.available+=$repro_user:$repro_user" --vary=domain_host.use_sudo=1)
  else
    vary+=(--vary=-user_group --vary=-domain_host)
    skipped+=(user host)
  fi
  if [ -z "$2" ]; then vary+=(--vary=-fileordering); skipped+=(file-order); fi
  varied="directory, time (faketime; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH kept), umask 022/002"
  [ -n "$1" ] && varied+=", user root/$repro_user, host and domain name"
  [ -n "$2" ] && varied+=", file order (disorderfs)"
  varied+=", locale, time zone, HOME, PATH, environment, kernel name, CPU count, ASLR"
  if [ ${#skipped[@]} -gt 0 ]; then varied+="; not varied here: ${skipped[*]}"; fi
}

# The export: exactly the commit's files, no build tree, no .git.
mkdir -p "$work/src"
git_ archive --format=tar "$rev" | tar -x -C "$work/src"

# One build, as reprotest runs it in its copy of the source root (cwd).
cat >"$work/build.sh" <<EOF
#!/usr/bin/env bash
# Written by scripts/repro-check.sh: one build of a pair.
set -euo pipefail
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH CCACHE_DISABLE=1
mkdir -p out
case "\$1" in
  full)
    cmake --preset release >configure.log 2>&1 || { cat configure.log; exit 1; }
    cmake --build --preset release -j "\$(nproc)" --target deb
    cp build/release/src/cli/acta out/acta
    cp build/release/deb/acta_*_amd64.deb out/ ;;
  probe)
    cmake --preset release -DACTA_BUILD_TESTS=OFF -DACTA_BUILD_BENCH=OFF >configure.log 2>&1 ||
      { cat configure.log; exit 1; }
    cmake --build --preset release -j "\$(nproc)" --target acta_repro_probe acta_repro_probe_core
    cp build/release/acta_repro_probe build/release/libacta_repro_probe_core.a out/ ;;
  pack)
    # As the deb target does, into this directory instead of the tree's deb/.
    bash "$root/scripts/reproducibly.sh" cpack --config "$tree/CPackConfig.cmake" \\
      -B "\$PWD/pkg" -D CPACK_OUTPUT_FILE_PREFIX="\$PWD/out" >pack.log 2>&1 || { cat pack.log; exit 1; }
    rm -rf pkg ;;
esac
EOF
chmod 755 "$work/build.sh"

status=0
summary=()
# pair NAME KIND SOURCE_ROOT USER FILEORDER [NICE]: one reprotest run.
pair() {
  local name=$1 kind=$2 source=$3 nice=${6:-0}
  # The full pair builds on every CPU both times (reprotest's control build
  # takes one by default, doubling the wall time of two full builds); the
  # small pairs vary the CPU count.
  local cpus=1
  if [ "$kind" = full ]; then cpus="$(nproc)"; fi
  variations "$4" "$5"
  if [ "$cpus" -gt 1 ]; then varied="${varied/, CPU count/}; both builds on $cpus CPUs"; fi
  local store="$work/$name" log="$work/$name.log"
  echo "repro-check: $name: two builds ($kind) of ${rev:0:12}; varied: $varied"
  local start=$SECONDS rc=0
  /usr/bin/time -f "%U %S" -o "$work/$name.cpu" \
    nice -n "$nice" reprotest --verbosity 1 --no-diffoscope --store-dir "$store" "${vary[@]}" \
    --min-cpus "$cpus" \
    --source-root "$source" "bash $work/build.sh $kind" 'out/*' -- null >"$log" 2>&1 || rc=$?
  local secs=$((SECONDS - start))
  local cpu
  cpu="$(awk '{printf "%.0f", $1 + $2}' "$work/$name.cpu" 2>/dev/null || echo "?")"
  local a="$store/control/source-root/out" b="$store/experiment-1/source-root/out"
  if [ ! -d "$a" ] || [ ! -d "$b" ]; then
    # No artifacts from one of the builds: it failed. Show why.
    echo "repro-check: $name: a build failed (reprotest exit $rc); the end of its log:" >&2
    grep -v '^INFO:\|^DEBUG:' "$log" | tail -40 >&2
    status=2
    return
  fi
  local f same=1
  for f in "$a"/*; do
    local base h1 h2
    base="$(basename "$f")"
    h1="$(sha256sum <"$f" | cut -c1-64)"
    h2=missing
    if [ -f "$b/$base" ]; then h2="$(sha256sum <"$b/$base" | cut -c1-64)"; fi
    if [ "$h1" = "$h2" ]; then
      echo "  identical  $h1  $base"
    else
      echo "  DIFFERENT  $h1 / $h2  $base"
      same=""
    fi
    if [ "${base%.deb}" != "$base" ]; then
      # What a manifest pins: /usr/bin/acta as the package installs it.
      h1="$(dpkg-deb --fsys-tarfile "$f" | tar -xO ./usr/bin/acta | sha256sum | cut -c1-64)"
      if [ -f "$b/$base" ]; then
        h2="$(dpkg-deb --fsys-tarfile "$b/$base" | tar -xO ./usr/bin/acta | sha256sum | cut -c1-64)"
      fi
      echo "  release hash (usr/bin/acta in the .deb): $h1$([ "$h1" = "$h2" ] || echo " / $h2")"
    fi
  done
  echo "  $name took ${secs} s, ${cpu} CPU s"
  summary+=("$name: $([ -n "$same" ] && echo identical || echo DIFFERENT), ${secs} s, ${cpu} CPU s")
  if [ -z "$same" ]; then
    status=1
    echo "repro-check: $name: the builds differ; diffoscope (report $work/$name.diffoscope.txt):"
    diffoscope --exclude-directory-metadata=yes --text "$work/$name.diffoscope.txt" \
      --max-report-size 20000000 "$a" "$b" >/dev/null 2>&1 || true
    # Where: the members that differ, and the first lines of each difference.
    grep -E '^(│ )*(├── |--- |\+\+\+ )' "$work/$name.diffoscope.txt" | head -40 || true
    sed -n '1,60p' "$work/$name.diffoscope.txt"
    keep=1
  fi
}

if [ "$mode" = full ]; then
  # The dashboard's npm packages are an input pinned by package-lock.json,
  # not part of the commit: the same node_modules in both builds.
  if [ -d "$root/web/node_modules" ]; then
    cp -a "$root/web/node_modules" "$work/src/web/"
  else
    (cd "$work/src/web" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) ||
      fail_setup "npm ci failed in the export's web/"
  fi
  pair full full "$work/src" "$user_ok" "$fuse_as_user" 5
else
  # The compile pair varies file order where this machine cannot do it as
  # another user, and the packaging pair the user: together, everything.
  if [ "$only" != pack ]; then
    if [ -n "$fuse_as_user" ]; then
      pair probe probe "$work/src" "$user_ok" 1
    else
      pair probe probe "$work/src" "" "$fuse_as_me"
    fi
  fi
  if [ "$only" = probe ]; then
    echo "repro-check: ${mode} check of ${rev:0:12} (probe only):"
    for line in "${summary[@]}"; do echo "  $line"; done
    exit "$status"
  fi
  [ -f "$tree/CPackConfig.cmake" ] && [ -x "$tree/src/cli/acta" ] ||
    fail_setup "$tree has no built acta (build it first: cmake --build --preset release)"
  [ -f "$root/web/dist/index.html" ] || fail_setup "web/dist is not built (the package holds it)"
  # The man pages and example configurations the package holds, from the
  # built acta (quick: acta --help).
  cmake --build "$tree" --target package_files >"$work/package_files.log" 2>&1 ||
    { cat "$work/package_files.log" >&2; fail_setup "cannot make the package's man pages"; }
  mkdir -p "$work/pack-src"
  echo "the packaging pair builds from $tree" >"$work/pack-src/README"
  # CPack's install step writes its file list into the tree
  # (install_manifest.txt): the experiment's user may write that one file
  # for the pair's duration.
  manifest_list="$tree/install_manifest.txt"
  if [ -n "$user_ok" ]; then
    touch "$manifest_list"
    chown "$repro_user" "$manifest_list"
  fi
  pair pack pack "$work/pack-src" "$user_ok" ""
  if [ -n "$user_ok" ]; then chown --reference="$tree/CMakeCache.txt" "$manifest_list"; fi
fi

echo "repro-check: ${mode} check of ${rev:0:12}:"
for line in "${summary[@]}"; do echo "  $line"; done
exit "$status"
