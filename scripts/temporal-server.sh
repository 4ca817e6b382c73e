#!/usr/bin/env bash
# A real Temporal server (not the dev server) on PostgreSQL, run as a process: the topology of
# docker-compose.yml without Docker.
#
#   scripts/temporal-server.sh env     build what is missing, print `export NAME=value` lines:
#                                      TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH, TEMPORAL_SCHEMA_DIR
#   scripts/temporal-server.sh setup   create the persistence and visibility databases and bring
#                                      their schemas to the server's version (idempotent)
#   scripts/temporal-server.sh start   run the server in the foreground with config/temporal/
#
# The server and its SQL schema tool (`temporal-sql-tool`) are built with `go install` from the
# Go module proxy, at the version the Temporal CLI (scripts/temporal-cli.sh) embeds, read from
# the CLI's go.mod, so the dev server of the tests and this server run the same code. They are
# cached in $OPSFLOW_CACHE_DIR/bin (default <project>/.cache/bin); TEMPORAL_SERVER_PATH and
# TEMPORAL_SQL_TOOL_PATH point at existing binaries instead. The schemas ship inside the server
# module (schema/postgresql/v12), found in the Go module cache (or TEMPORAL_SCHEMA_DIR).
#
# setup and start read the database and ports from the environment (config/temporal/opsflow.yaml
# lists them): TEMPORAL_DB_HOST (127.0.0.1), TEMPORAL_DB_PORT (5432), TEMPORAL_DB_USER,
# TEMPORAL_DB_PASSWORD, TEMPORAL_DB_NAME (temporal), TEMPORAL_VISIBILITY_DB_NAME
# (temporal_visibility), TEMPORAL_FRONTEND_PORT (7233) and the other service ports.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${OPSFLOW_CACHE_DIR:-$root/.cache}
# shellcheck source=lib/go-install.sh
. "$root/scripts/lib/go-install.sh"

# The server version the CLI embeds: its go.mod's requirement on go.temporal.io/server.
server_version() {
  if [ -n "${TEMPORAL_SERVER_VERSION:-}" ]; then
    printf '%s\n' "$TEMPORAL_SERVER_VERSION"
    return
  fi
  local gomod version
  gomod=$(go mod download -json "github.com/temporalio/cli@$TEMPORAL_CLI_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  version=$(awk '$1 == "go.temporal.io/server" { print $2 } $2 == "go.temporal.io/server" { print $3 }' "$gomod" | head -n 1)
  if [ -z "$version" ]; then
    go_log "Could not find go.temporal.io/server in the go.mod of the Temporal CLI $TEMPORAL_CLI_VERSION ($gomod)."
    exit 1
  fi
  printf '%s\n' "$version"
}

binaries() {
  if [ -n "${TEMPORAL_SERVER_PATH:-}" ] && [ -n "${TEMPORAL_SQL_TOOL_PATH:-}" ]; then
    server=$TEMPORAL_SERVER_PATH
    sql_tool=$TEMPORAL_SQL_TOOL_PATH
    return
  fi
  version=${version:-$(server_version)}
  server="$cache/bin/temporal-server-$version"
  sql_tool="$cache/bin/temporal-sql-tool-$version"
  go_install_cached temporal-server-build "$cache/bin" \
    "go.temporal.io/server/cmd/server@$version=temporal-server-$version" \
    "go.temporal.io/server/cmd/tools/sql@$version=temporal-sql-tool-$version"
}

schema_dir() {
  if [ -n "${TEMPORAL_SCHEMA_DIR:-}" ]; then
    schemas=$TEMPORAL_SCHEMA_DIR
    return
  fi
  version=${version:-$(server_version)}
  local dir
  dir=$(go mod download -json "go.temporal.io/server@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  schemas="$dir/schema/postgresql/v12"
  if [ ! -d "$schemas/temporal/versioned" ]; then
    go_log "The PostgreSQL schemas are not where the server module should have them: $schemas"
    exit 1
  fi
}

sql() {
  "$sql_tool" --plugin postgres12 --ep "${TEMPORAL_DB_HOST:-127.0.0.1}" -p "${TEMPORAL_DB_PORT:-5432}" \
    -u "${TEMPORAL_DB_USER:?set TEMPORAL_DB_USER}" --pw "${TEMPORAL_DB_PASSWORD:-}" "$@"
}

case "${1:-}" in
  env)
    binaries
    schema_dir
    printf 'export TEMPORAL_SERVER_PATH=%q\n' "$server"
    printf 'export TEMPORAL_SQL_TOOL_PATH=%q\n' "$sql_tool"
    printf 'export TEMPORAL_SCHEMA_DIR=%q\n' "$schemas"
    ;;
  setup)
    binaries
    schema_dir
    for pair in "${TEMPORAL_DB_NAME:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB_NAME:-temporal_visibility}:visibility"; do
      db=${pair%%:*}
      kind=${pair##*:}
      go_log "Temporal $kind database $db: create, set up, update the schema"
      # Each step is a no-op on a database already at the version: setup may run at every start.
      sql --db "$db" create-database >/dev/null 2>&1 || true
      sql --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true
      if ! out=$(sql --db "$db" update-schema -d "$schemas/$kind/versioned" 2>&1); then
        printf '%s\n' "$out" >&2
        go_log "Updating the Temporal $kind schema of $db failed (see above)."
        exit 1
      fi
    done
    ;;
  start)
    binaries
    cd "$root"
    exec "$server" --root "$root" --config config/temporal --env opsflow --allow-no-auth start
    ;;
  *)
    go_log "usage: scripts/temporal-server.sh env|setup|start"
    exit 2
    ;;
esac
