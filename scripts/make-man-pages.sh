#!/usr/bin/env bash
# Writes man pages generated from `acta --help` into OUT_DIR: acta.1 and one
# acta-<command>.1 per subcommand that `acta --help` lists, so a command
# added later gets its page without editing this script. help2man reads
# each page's text from --help and the version from --version.
#
#   scripts/make-man-pages.sh ACTA_BINARY OUT_DIR
set -euo pipefail
# The pages must not depend on the builder's locale or time zone: help2man
# takes the date from SOURCE_DATE_EPOCH (in UTC) and its words from the locale.
export LC_ALL=C.UTF-8 TZ=UTC
acta="$1"
out="$2"
mkdir -p "$out"
rm -f "$out"/*.1 "$out"/*.1.gz
common=(--no-info --no-discard-stderr --version-option=--version --section=1
        --source="acta $("$acta" --version | awk '{print $2}')" --manual="acta manual")
help2man "${common[@]}" --name="election results from every polling table to the public, verifiably" \
  --output="$out/acta.1" "$acta"
# CLI11 lists each subcommand after "Subcommands:" as "  NAME  text", the
# text wrapped onto further, deeper-indented lines; a page's NAME line is
# that text up to its first sentence's end.
commands="$("$acta" --help | python3 -c '
import re, sys
on, cur, out = False, None, []
for line in sys.stdin.read().splitlines():
    if line.strip().lower() == "subcommands:":
        on = True
        continue
    m = re.match(r"^  ([a-z][a-z0-9-]*)\s+(.*)$", line) if on else None
    if m:
        cur = [m.group(1), m.group(2)]
        out.append(cur)
    elif on and cur and line.startswith("   "):
        cur[1] += " " + line.strip()
for name, text in out:
    print(name + "\t" + re.split(r"(?<=[a-z)])[.:] ", text + " ")[0].strip().rstrip("."))
')"
[ -n "$commands" ] || { echo "make-man-pages: no subcommand in acta --help" >&2; exit 1; }
while IFS=$'\t' read -r cmd summary; do
  help2man "${common[@]}" --name="$summary" --help-option="$cmd --help" \
    --output="$out/acta-$cmd.1" "$acta"
  # help2man names the page after the program; this page is acta-CMD.
  sed -i -e "s/^\.TH ACTA /.TH ACTA-${cmd^^} /" -e "/^\.SH NAME/{n;s/^acta /acta-$cmd /}" "$out/acta-$cmd.1"
done <<< "$commands"
gzip -9n "$out"/*.1
