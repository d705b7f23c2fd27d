#!/usr/bin/env bash
# Installs Debian's Dovecot IMAP server (dovecot-imapd) when `dovecot` is missing.
# The adapter's tests start their own throwaway Dovecot instances; this only makes the
# binary available. Needs root (or sudo) and apt; does nothing when dovecot is present.
set -euo pipefail

if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
  echo "dovecot already installed: $( (dovecot --version || /usr/sbin/dovecot --version) 2>/dev/null | head -n1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-dovecot: not root and no sudo; install dovecot-imapd by hand" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps it small; the package's postinst may try to start the
# system service, which fails harmlessly in containers without systemd.
$SUDO apt-get install -y -qq --no-install-recommends dovecot-core dovecot-imapd
# The Debian package starts a system-wide instance where an init system exists; the tests
# never use it (they run their own on random ports), so it is left as the system set it up.
echo "installed: $(/usr/sbin/dovecot --version | head -n1)"
