#!/bin/sh
# Issue #23's "done when": a center whose checkpoint key is in SoftHSM2 runs
# the demo, and its checkpoints verify with any signed-note verifier, here
# verify_note.py (Python's cryptography, written from the C2SP spec, nothing
# of acta's). Then `acta center` itself, from a --config TOML naming the
# token key and PIN file: a wrong PIN stops it with a message naming the
# token; the right one serves a checkpoint that the same verifier accepts.
# Usage: token_demo_test.sh ACTA_BINARY WORKDIR
set -eu
acta=$1
dir=$2
here=$(dirname "$0")
. "$here/center_lib.sh"
# Debian's python3 and python3-cryptography (scripts/install-deps.sh).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
rm -rf "$dir"

"$acta" demo --token --tables 300 --no-emulation --no-monitor --window 2 --workdir "$dir" \
  >"$dir.demo.log" 2>&1 || { cat "$dir.demo.log"; exit 1; }
grep -q "DEMO OK" "$dir.demo.log"
grep -q "center key moved into a SoftHSM2 token" "$dir.demo.log"
[ ! -e "$dir/election/secrets/center.key" ] || { echo "the key file is still there"; exit 1; }
"$py" "$here/verify_note.py" "$dir/checkpoint" "$(cat "$dir/center.vkey")"
echo "demo checkpoint verified by verify_note.py"

# acta center from a config file, the key in the demo's token.
export SOFTHSM2_CONF="$dir/softhsm/softhsm2.conf"
module=$(sed -n 's/.*module-path=\([^ ]*\).*/\1/p' "$dir.demo.log" | head -n 1)
uri="pkcs11:token=acta-demo-center;object=center?module-path=$module"
pin=$(ls "$dir"/softhsm/pin-* | head -n 1)
echo 0000 >"$dir/wrong-pin"
write_config() {
  cat >"$dir/center.toml" <<TOML
election = "$dir/election"
db = "sqlite:$dir/center.db"
key = "$uri"
pin-file = "$1"
TOML
}
write_config "$dir/wrong-pin"
if "$acta" center --config "$dir/center.toml" >"$dir/wrong.out" 2>"$dir/wrong.err"; then
  echo "acta center started with a wrong PIN"; exit 1
fi
grep -q "acta-demo-center" "$dir/wrong.err" && grep -q "PIN" "$dir/wrong.err" ||
  { echo "wrong-PIN error does not name the token and the PIN:"; cat "$dir/wrong.err"; exit 1; }
echo "wrong PIN: $(head -c 300 "$dir/wrong.err")"

write_config "$pin"
start_center "$dir/center" --config "$dir/center.toml" --no-witnesses
fetch_checkpoint "$dir/served-checkpoint"
"$py" "$here/verify_note.py" "$dir/served-checkpoint" "$(cat "$dir/center.vkey")"
echo "acta center --key pkcs11:... served a checkpoint verified by verify_note.py"
