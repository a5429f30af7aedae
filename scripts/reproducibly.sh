#!/usr/bin/env bash
# Runs a packaging step (man pages, the .deb) under the fixed conditions of a
# reproducible build (docs/SECURITY.md, "Reproducible build"), so that
# nothing of the builder's session reaches its output:
#   SOURCE_DATE_EPOCH, the build's one date: as given, else the time of the
#     commit checked out, else (a tree without .git, as `git archive` writes
#     it, stamping every file with the commit's time) the time of the
#     top-level CMakeLists.txt;
#   umask 022 (CPack writes the modes of its temporary files and of the
#     directories it creates into the package);
#   the C.UTF-8 locale and UTC.
#
#   scripts/reproducibly.sh CMD...     runs CMD so
#   scripts/reproducibly.sh --epoch    prints SOURCE_DATE_EPOCH
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=""
  # Only this tree's own repository: a copy without .git inside another
  # checkout must not take that checkout's commit.
  # safe.directory: run by another user than the checkout's owner (a
  # packaging user, reprotest's user variation), git would refuse the
  # repository and the date would silently become CMakeLists.txt's mtime.
  if [ "$(git -c safe.directory="$root" -C "$root" rev-parse --show-toplevel 2>/dev/null)" = "$root" ]; then
    SOURCE_DATE_EPOCH="$(git -c safe.directory="$root" -C "$root" log -1 --format=%ct)"
  fi
  [ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH="$(stat -c %Y "$root/CMakeLists.txt")"
fi
case "$SOURCE_DATE_EPOCH" in
  '' | *[!0-9]*) echo "reproducibly: SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' is not a number of seconds" >&2; exit 1 ;;
esac
if [ "${1:-}" = "--epoch" ]; then
  echo "$SOURCE_DATE_EPOCH"
  exit 0
fi
[ $# -gt 0 ] || { echo "usage: reproducibly.sh CMD... | --epoch" >&2; exit 2; }
export SOURCE_DATE_EPOCH LC_ALL=C.UTF-8 TZ=UTC
unset LANGUAGE
umask 022
exec "$@"
