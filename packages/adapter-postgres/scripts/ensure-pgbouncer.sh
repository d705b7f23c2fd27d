#!/usr/bin/env bash
# Installs Debian's PgBouncer when it is missing. The adapter's pooler tests
# (test/pooler.test.ts) start their own PgBouncer on a random port in front of a
# throwaway cluster; this only makes the binary available. Needs root (or sudo) and apt;
# does nothing when pgbouncer is present.
set -euo pipefail

if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
  echo "pgbouncer already installed: $( (pgbouncer --version || /usr/sbin/pgbouncer --version) 2>/dev/null | head -n1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-pgbouncer: not root and no sudo; install pgbouncer by hand" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The package's postinst may start a system-wide instance on port 6432 where an init
# system exists; the tests never use it.
$SUDO apt-get install -y -qq --no-install-recommends pgbouncer
echo "installed: $(/usr/sbin/pgbouncer --version | head -n1)"
