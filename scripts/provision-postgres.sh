#!/usr/bin/env bash
# Makes a PostgreSQL server and a test database available for `npm test`, and prints the URL to
# use. With OPSFLOW_TEST_DATABASE_URL set, it only checks that the server answers. (A DATABASE_URL
# in the environment is ignored on purpose: tests create and drop schemas, and must never touch
# the database a developer runs opsflow against.)
# Otherwise it starts the machine's installed cluster (Debian's pg_ctlcluster) if it is down and
# creates the role and database the tests use (local socket, peer auth as `postgres`).
set -euo pipefail

role=${OPSFLOW_TEST_DB_USER:-opsflow}
password=${OPSFLOW_TEST_DB_PASSWORD:-opsflow}
db=${OPSFLOW_TEST_DB_NAME:-opsflow_test}

log() { printf '%s\n' "$*" >&2; }

if [ -n "${OPSFLOW_TEST_DATABASE_URL:-}" ]; then
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -d "$OPSFLOW_TEST_DATABASE_URL"; then
    log "OPSFLOW_TEST_DATABASE_URL is set but the server does not answer: $OPSFLOW_TEST_DATABASE_URL"
    exit 1
  fi
  printf "%s\n" "$OPSFLOW_TEST_DATABASE_URL"
  exit 0
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  log "No OPSFLOW_TEST_DATABASE_URL and no local PostgreSQL cluster (pg_lsclusters not found)."
  log "Install PostgreSQL >= 14, or set OPSFLOW_TEST_DATABASE_URL to a database the tests may use."
  exit 1
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  elif [ "$(id -un)" = postgres ]; then
    "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ -z "${version:-}" ]; then
  log "pg_lsclusters lists no cluster; create one with pg_createcluster, or set OPSFLOW_TEST_DATABASE_URL."
  exit 1
fi
if [ "$status" != online ]; then
  log "Starting PostgreSQL cluster $version/$cluster..."
  # Its progress message goes to stderr: stdout carries only the URL.
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" "$cluster" start >&2; else sudo -n pg_ctlcluster "$version" "$cluster" start >&2; fi
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$port" || {
  log "PostgreSQL $version/$cluster did not come up on port $port."
  exit 1
}

psql_pg() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }
if [ "$(psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  psql_pg -c "CREATE ROLE \"$role\" LOGIN PASSWORD '$password' CREATEDB"
fi
if [ "$(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
  psql_pg -c "CREATE DATABASE \"$db\" OWNER \"$role\""
fi
printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$role" "$password" "$port" "$db"
