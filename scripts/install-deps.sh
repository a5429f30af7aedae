#!/usr/bin/env bash
# Installs everything acta's build, tests, benchmarks and demo use on Debian 12.
# Idempotent: runs apt-get update and install only when a package is missing,
# and npm ci only where node_modules is out of date. --demo: only what
# `make demo` needs from npm (the dashboard's packages).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ccache clang clang-format libclang-rt-14-dev
  clang-16 libclang-rt-16-dev
  libsodium-dev libssl-dev libboost1.81-dev libsqlite3-dev sqlite3 libpq-dev
  postgresql-15 postgresql-client-15
  patroni python3-etcd etcd-server etcd-client nftables
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libqrencode-dev libzxing-dev libpng-dev zlib1g-dev libmaxminddb-dev
  libturbojpeg0-dev libwebp-dev libexif-dev libcairo2-dev fonts-dejavu-core
  zbar-tools poppler-utils
  libgtest-dev libgmock-dev libbenchmark-dev
  nginx-light wrk openssl curl procps iproute2 util-linux
  chromium
  # Operations: man pages from --help (make deb), promtool for the alert rules.
  help2man prometheus
  # Syscall fault injection (tests/center/syscall_fault_test.cc).
  strace
  # Keys and builds (#23): PKCS#11 tokens (SoftHSM2 for tests, p11-kit to load
  # modules), and the reproducible-build check (reprotest varies the build,
  # diffoscope explains a difference, faketime moves the clock, disorderfs
  # shuffles directory order, sudo lets reprotest build as another user).
  softhsm2 p11-kit libp11-kit-dev opensc reprotest diffoscope faketime disorderfs sudo
  # An independent signed-note verifier for token-signed checkpoints
  # (tests/token/verify_note.py) and the receipt-key test vector.
  python3-cryptography
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# The machine image may ship Node.js from another source (with npm bundled);
# Debian's nodejs and npm are installed only when there is no node at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx-light's package starts a system nginx on port 80; acta's benchmarks
  # run their own instance, so the system one is stopped and left disabled.
  if printf '%s\n' "${missing[@]}" | grep -q '^nginx'; then
    $SUDO service nginx stop >/dev/null 2>&1 || true
  fi
  # etcd-server's package starts a system etcd on 2379/2380; scripts/ha-cluster.sh
  # runs its own three members, so the system one is stopped.
  if printf '%s\n' "${missing[@]}" | grep -q '^etcd-server'; then
    $SUDO service etcd stop >/dev/null 2>&1 || true
  fi
else
  echo "install-deps: all Debian packages present"
fi

# The user reprotest's user variation builds as (scripts/repro-check.sh): a
# system user without a home or a login shell.
if ! id acta-repro >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO useradd --system --user-group --no-create-home --shell /usr/sbin/nologin acta-repro
fi

# npm packages, each directory pinned by its package-lock.json: the dashboard
# (web/) and, unless --demo (what `make demo` needs), the OpenAPI contract
# tests' linter and validator (tests/contract/).
root="$(cd "$(dirname "$0")/.." && pwd)"
npm_dirs=(web)
if [ "${1:-}" != "--demo" ]; then npm_dirs+=(tests/contract); fi
for d in "${npm_dirs[@]}"; do
  dir="$root/$d"
  [ -f "$dir/package.json" ] || continue
  stamp="$dir/node_modules/.acta-stamp"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
    echo "install-deps: npm install in $d/"
    (cd "$dir" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)
    touch "$stamp"
  else
    echo "install-deps: $d/node_modules up to date"
  fi
done
