#!/usr/bin/env bash
# Makes ready what the tests need, or says in ONE line what to install, and exits 1.
# Used by `pnpm test` (scripts/test.mjs) and by .ci/run.
#
#   - PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test): a local
#     cluster that is installed but stopped is started (pg_ctlcluster); the database is
#     created when missing.
#   - The PostgreSQL server programs (initdb, pg_ctl; PG_BIN), Dovecot and PgBouncer
#     (PGBOUNCER_BIN): the tests start throwaway servers of their own with them.
#
# As root with apt, missing Debian packages are installed (postgresql, dovecot-imapd,
# pgbouncer, openssl, chromium); otherwise nothing is installed and the line names what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."

url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true
can_install=false
$is_root && command -v apt-get >/dev/null 2>&1 && can_install=true

problems=()   # what stops the tests, one short phrase each
packages=()   # Debian packages to install for them
say() { echo "provision: $*"; }

# --- DATABASE_URL, taken apart once (Node is there: it runs the tests) ---------------------
parsed="$(URL="$url" node -e '
  try {
    const u = new URL(process.env.URL)
    if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error("not a postgres:// URL")
    const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")) || "127.0.0.1"
    const masked = new URL(u.href); if (masked.password) masked.password = "***"
    const admin = new URL(u.href); admin.pathname = "/postgres"
    console.log([host, u.port || "5432", decodeURIComponent(u.username) || "postgres", decodeURIComponent(u.pathname.slice(1)) || "postgres", masked.href, admin.href].join("\t"))
  } catch (error) { console.log("!" + error.message) }')"
if [[ "$parsed" == !* ]]; then
  echo "pnpm test: DATABASE_URL is not usable (${parsed#!}); expected e.g. postgres://postgres@127.0.0.1:5432/test" >&2
  exit 1
fi
IFS=$'\t' read -r db_host db_port db_user db_name masked_url admin_url <<<"$parsed"
local_db=false
case "$db_host" in 127.0.0.1 | localhost | ::1 | /*) local_db=true ;; esac

# --- programs the tests start themselves -----------------------------------------------------
pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then [ -x "$PG_BIN/initdb" ] && echo "$PG_BIN"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r dir; do [ -x "$dir/initdb" ] && echo "$dir"; done | tail -n1
}
have_dovecot() { [ -x /usr/sbin/dovecot ] || [ -x /usr/local/sbin/dovecot ]; } # where the tests look
have_pgbouncer() {
  if [ -n "${PGBOUNCER_BIN:-}" ]; then [ -x "$PGBOUNCER_BIN" ]; return; fi
  [ -x /usr/sbin/pgbouncer ] || [ -x /usr/bin/pgbouncer ]
}

installed_postgres=false
if [ -z "$(pg_bin)" ]; then
  if $can_install; then
    say "installing PostgreSQL (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    if [ -n "$(pg_bin)" ]; then installed_postgres=true; else problems+=("the PostgreSQL server (apt-get install postgresql failed)"); fi
  else
    packages+=(postgresql); problems+=("the PostgreSQL server")
  fi
fi
if ! have_dovecot; then
  if $can_install; then bash packages/adapter-imap/scripts/ensure-dovecot.sh; have_dovecot || problems+=("Dovecot (installing dovecot-imapd failed)")
  else packages+=(dovecot-imapd); problems+=("Dovecot"); fi
fi
if ! have_pgbouncer; then
  if $can_install; then bash packages/adapter-postgres/scripts/ensure-pgbouncer.sh; have_pgbouncer || problems+=("PgBouncer (installing pgbouncer failed)")
  else packages+=(pgbouncer); problems+=("PgBouncer"); fi
fi
if ! command -v openssl >/dev/null 2>&1; then
  # The SMTP adapter's TLS tests make a self-signed certificate with it.
  if $can_install; then apt-get update -qq && apt-get install -y -qq openssl >/dev/null; command -v openssl >/dev/null 2>&1 || problems+=("OpenSSL (installing openssl failed)")
  else packages+=(openssl); problems+=("OpenSSL"); fi
fi
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  # The dashboard's browser tests drive Debian's Chromium with playwright-core (no browser download).
  if $can_install; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; command -v chromium >/dev/null 2>&1 || problems+=("Chromium (installing chromium failed)")
  else packages+=(chromium); problems+=("Chromium"); fi
fi

# --- the PostgreSQL server at DATABASE_URL -----------------------------------------------------
ready() { pg_isready -q -h "$db_host" -p "$db_port" >/dev/null 2>&1; }
if $local_db && [ -n "$(pg_bin)" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  # The Debian cluster that serves this port (on a fresh install: <version> main on 5432).
  read -r cl_version cl_name cl_status cl_owner _ < <(pg_lsclusters -h 2>/dev/null | awk -v port="$db_port" '$3 == port { print $1, $2, $4, $5, $6; exit }')
  if $installed_postgres && [ -n "${cl_version:-}" ]; then
    # As .ci/run always did on a fresh install: the tests connect over TCP without a password.
    hba="/etc/postgresql/$cl_version/$cl_name/pg_hba.conf"
    grep -q '^host all all 127.0.0.1/32 trust' "$hba" || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    [ "$cl_status" = online ] && pg_ctlcluster "$cl_version" "$cl_name" reload
  fi
  if ! ready && [ -n "${cl_version:-}" ] && [ "${cl_status:-}" != online ]; then
    if $is_root || [ "$(id -un)" = "${cl_owner:-}" ]; then
      say "starting PostgreSQL $cl_version/$cl_name on port $db_port"
      pg_ctlcluster --skip-systemctl-redirect "$cl_version" "$cl_name" start >/dev/null 2>&1 || true
      for _ in $(seq 1 30); do ready && break; sleep 1; done
    else
      problems+=("PostgreSQL $cl_version/$cl_name running (sudo pg_ctlcluster $cl_version $cl_name start)")
    fi
  fi
fi

if [ ${#problems[@]} -eq 0 ] && command -v psql >/dev/null 2>&1; then
  query() { PGCONNECT_TIMEOUT=5 psql "$1" -XAtqc "$2" 2>&1 >/dev/null | head -n1; }
  error="$(query "$url" 'select 1')"
  if [[ "$error" == *"database \"$db_name\" does not exist"* ]]; then
    say "creating database $db_name"
    sql="CREATE DATABASE \"${db_name//\"/\"\"}\""
    created="$(query "$admin_url" "$sql")"
    if [ -n "$created" ] && $is_root && $local_db; then
      # The URL's user may not create databases; the server's own user can.
      runuser -u postgres -- psql -p "$db_port" -XAtqc "$sql" >/dev/null 2>&1 && created=""
    fi
    error="$(query "$url" 'select 1')"
  fi
  if [ -n "$error" ]; then
    error="${error#psql: }"
    error="${error#error: }"
    hint=""
    $local_db && [[ "$error" == *"Connection refused"* ]] && hint=" — start it, or set DATABASE_URL to a running server"
    problems+=("PostgreSQL at $masked_url ($error)$hint")
  fi
elif [ ${#problems[@]} -eq 0 ] && ! ready; then
  problems+=("PostgreSQL at $masked_url (not reachable)")
fi

if [ ${#problems[@]} -gt 0 ]; then
  line="pnpm test needs"
  last=$((${#problems[@]} - 1))
  for i in "${!problems[@]}"; do
    if [ "$i" -gt 0 ]; then [ "$i" -eq "$last" ] && line+=" and" || line+=","; fi
    line+=" ${problems[$i]}"
  done
  if [ ${#packages[@]} -gt 0 ]; then
    line+=": run \`sudo apt-get install ${packages[*]}\` (as root with apt, pnpm test installs them itself)"
  fi
  echo "$line" >&2
  exit 1
fi
say "ready: PostgreSQL at $masked_url, the PostgreSQL $(basename "$(dirname "$(pg_bin)")") server programs, Dovecot, PgBouncer, Chromium"
