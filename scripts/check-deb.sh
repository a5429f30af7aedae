#!/usr/bin/env bash
# Installs the Debian package `make deb` built into an empty directory tree
# with dpkg, and checks what an operator gets: systemd-analyze verify accepts
# the units, the man pages are there, the installed binary serves the
# installed dashboard from any working directory, the installed witness
# (from its TOML configuration) cosigns the installed center's checkpoints,
# the installed mirror copies it from its TOML configuration, and its demo
# runs.
#
#   scripts/check-deb.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
root_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-$root_dir/build/release}"
deb="$(ls -t "$build_dir"/deb/acta_*_amd64.deb 2>/dev/null | head -1)"
[ -n "$deb" ] || { echo "check-deb: no package in $build_dir/deb (run make deb)" >&2; exit 1; }
echo "check-deb: $deb"

tree="$(mktemp -d /tmp/acta-deb-root.XXXXXX)"
work="$(mktemp -d /tmp/acta-deb-work.XXXXXX)"
center_pid=""
witness_pid=""
cleanup() {
  if [ -n "$center_pid" ]; then kill "$center_pid" 2>/dev/null || true; wait "$center_pid" 2>/dev/null || true; fi
  if [ -n "$witness_pid" ]; then kill "$witness_pid" 2>/dev/null || true; wait "$witness_pid" 2>/dev/null || true; fi
  if [ -n "${ACTA_KEEP_CHECK:-}" ]; then echo "kept $tree $work"; else rm -rf "$tree" "$work"; fi
}
trap cleanup EXIT

# 1. dpkg -i into the empty tree: its own dpkg database; the library
#    dependencies are the host's (--force-depends), maintainer scripts run
#    with DPKG_ROOT set to the tree (--force-script-chrootless).
mkdir -p "$tree/var/lib/dpkg/info" "$tree/var/lib/dpkg/updates" "$tree/etc"
touch "$tree/var/lib/dpkg/status" "$tree/var/lib/dpkg/available"
dpkg --root="$tree" --force-depends --force-script-chrootless --log=/dev/null -i "$deb" \
  > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; echo "check-deb: dpkg -i failed" >&2; exit 1; }
dpkg --root="$tree" -L acta > "$work/files"
for f in /usr/bin/acta /usr/share/acta/web/index.html /usr/lib/systemd/system/acta-center@.service \
         /usr/lib/systemd/system/acta-mirror@.service /usr/lib/systemd/system/acta-witness@.service \
         /usr/share/acta/nginx/acta-mirror.conf \
         /usr/lib/sysusers.d/acta.conf \
         /usr/share/man/man1/acta.1.gz /usr/share/man/man1/acta-center.1.gz \
         /usr/share/man/man1/acta-mirror.1.gz /usr/share/man/man1/acta-witness.1.gz \
         /etc/acta/center.toml.example /etc/acta/mirror.toml.example \
         /etc/acta/witness.toml.example; do
  grep -qx "$f" "$work/files" || { echo "check-deb: $f not in the package" >&2; exit 1; }
done
grep -q '^acta:' "$tree/etc/passwd" || { echo "check-deb: postinst made no acta user" >&2; exit 1; }
[ "$(stat -c %a "$tree/etc/acta")" = 750 ] || { echo "check-deb: /etc/acta is not 0750" >&2; exit 1; }
zcat "$tree/usr/share/man/man1/acta-center.1.gz" | grep -qF -- '\-\-config' \
  || { echo "check-deb: acta-center(1) does not describe --config" >&2; exit 1; }
echo "check-deb: installed; $(wc -l < "$work/files") paths, user acta, man pages"

# 2. The units, as systemd would load them from the tree. The tree gets
#    systemd's own targets and slices (what the systemd package would put
#    there); an instance is checked, so %i expands as it will on a host.
cp -a /lib/systemd/system/*.target /lib/systemd/system/*.slice "$tree/usr/lib/systemd/system/"
systemd-analyze verify --man=no --root="$tree" acta-center@main.service acta-mirror@main.service \
  acta-witness@main.service \
  > "$work/verify" 2>&1 \
  || { cat "$work/verify" >&2; echo "check-deb: systemd-analyze verify failed" >&2; exit 1; }
if [ -s "$work/verify" ]; then
  cat "$work/verify" >&2
  echo "check-deb: systemd-analyze verify complained (above)" >&2
  exit 1
fi
echo "check-deb: systemd-analyze verify: clean"

# 3. The installed binary, started from an unrelated directory, serves the
#    installed dashboard.
acta="$tree/usr/bin/acta"
cd "$work"
"$acta" election synth --tables 50 --seed 4 --witnesses 1 --witness-quorum 1 --out "$work/el" \
  >/dev/null 2>&1
# The installed witness, configured as acta-witness@ runs it (the example
# configuration with its paths changed).
sed -e "s|^key = .*|key = \"$work/el/secrets/witness-1.key\"|" \
    -e "s|^state = .*|state = \"$work/witness.db\"|" \
    -e "s|^election = .*|election = [\"$work/el\"]|" \
    -e "s|^listen = .*|listen = [\"127.0.0.1:0\"]|" \
  "$tree/etc/acta/witness.toml.example" > "$work/witness.toml"
"$acta" witness --config "$work/witness.toml" > "$work/witness.urls" 2> "$work/witness.log" &
witness_pid=$!
for _ in $(seq 100); do grep -q '^witness ' "$work/witness.urls" && break; sleep 0.1; done
witness_url="$(sed -n 's/^witness //p' "$work/witness.urls")"
[ -n "$witness_url" ] || { cat "$work/witness.log" >&2; echo "check-deb: the installed witness did not start" >&2; exit 1; }
witness_name="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["witnesses"]["list"][0]["name"])' "$work/el/manifest.json")"
cat > "$work/center.toml" <<TOML
election = "$work/el"
db = "sqlite:$work/center.db"
key = "$work/el/secrets/center.key"
ingest-listen = ["127.0.0.1:0"]
public-listen = ["127.0.0.1:0"]
witness-url = ["$witness_name=$witness_url"]
TOML
"$acta" center --config "$work/center.toml" > "$work/urls" 2> "$work/center.log" &
center_pid=$!
# Up once it logs that it runs (after its start-up lines and its URLs).
for _ in $(seq 100); do grep -q 'center running' "$work/center.log" && break; sleep 0.1; done
public="$(sed -n 's/^public //p' "$work/urls")"
[ -n "$public" ] || { cat "$work/center.log" >&2; echo "check-deb: center did not start" >&2; exit 1; }
grep -q "dashboard from $tree/usr/share/acta/web" "$work/center.log" \
  || { cat "$work/center.log" >&2; echo "check-deb: the center did not take the installed dashboard" >&2; exit 1; }
curl -sf "$public/" -o "$work/index.html"
cmp -s "$work/index.html" "$tree/usr/share/acta/web/index.html" \
  || { echo "check-deb: GET / is not the installed index.html" >&2; exit 1; }
echo "check-deb: the installed center serves the installed dashboard"
# Nothing logged yet: the center signs the empty tree, which needs no
# witness. One acta makes a checkpoint the witness must cosign.
table="$(python3 - "$work/el" "$work/counts.json" <<'PY'
import json, struct, sys
el, out = sys.argv[1], sys.argv[2]
m = json.load(open(el + "/manifest.json"))
contests = {c["id"]: {"votes": {k["id"]: 0 for k in c["candidates"]}, "blank": 0, "null": 0}
            for c in m["contests"]}
json.dump({"ballots_cast": 0, "contests": contests}, open(out, "w"))
print(struct.unpack(">I", open(el + "/tables.bin", "rb").read(4))[0], m["polls_close"]["not_before"])
PY
)"
"$acta" sign --election "$work/el" --table "${table% *}" --counts "$work/counts.json" \
  --closing-time "${table#* }" --no-qr-png --out "$work/acta.bin" >/dev/null 2> "$work/sign.log" \
  || { cat "$work/sign.log" >&2; echo "check-deb: acta sign failed" >&2; exit 1; }
curl -sf -X POST --data-binary @"$work/acta.bin" -H 'Content-Type: application/octet-stream' \
  "$public/v1/actas" > /dev/null || { echo "check-deb: the public lane refused the acta" >&2; exit 1; }
for _ in $(seq 100); do
  curl -sf "$public/v1/witnesses" | grep -q '"cosigned_by":\["' && break
  sleep 0.1
done
curl -sf "$public/v1/witnesses" | grep -q '"quorum_met":true' \
  || { cat "$work/witness.log" >&2; echo "check-deb: the installed witness did not cosign" >&2; exit 1; }
echo "check-deb: the installed witness (witness.toml) cosigns the center's checkpoint"

# 3b. The installed mirror, configured as acta-mirror@ runs it (the example
#     configuration with the source and directory changed), copies it.
sed -e "s|^center = .*|center = \"$public\"|" -e "s|^out = .*|out = \"$work/mirror\"|" \
  "$tree/etc/acta/mirror.toml.example" > "$work/mirror.toml"
"$acta" mirror --quiet --config "$work/mirror.toml" 2> "$work/mirror.log" \
  || { cat "$work/mirror.log" >&2; echo "check-deb: the installed mirror failed" >&2; exit 1; }
curl -sf "$public/checkpoint" | cmp -s - "$work/mirror/checkpoint" \
  || { echo "check-deb: the mirror's checkpoint is not the center's" >&2; exit 1; }
cmp -s "$work/mirror/assets/$(ls "$tree/usr/share/acta/web/assets" | head -1)" \
  "$tree/usr/share/acta/web/assets/$(ls "$tree/usr/share/acta/web/assets" | head -1)" \
  || { echo "check-deb: the mirror did not copy the installed dashboard" >&2; exit 1; }
kill "$center_pid"; wait "$center_pid" || true; center_pid=""
kill "$witness_pid"; wait "$witness_pid" || true; witness_pid=""
echo "check-deb: the installed mirror copies it from mirror.toml"

# 4. The installed binary's demo (small: this checks the package, not speed).
"$acta" demo --tables 300 --no-emulation > "$work/demo.out" 2>&1 \
  || { tail -20 "$work/demo.out" >&2; echo "check-deb: the installed demo failed" >&2; exit 1; }
tail -3 "$work/demo.out"
echo "check-deb: OK"
