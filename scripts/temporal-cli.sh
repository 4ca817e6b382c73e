#!/usr/bin/env bash
# Finds the Temporal CLI (which carries the dev server), building it once if it is nowhere.
#
#   scripts/temporal-cli.sh path     print the binary's path (build it first if needed)
#   scripts/temporal-cli.sh ARGS...  run `temporal ARGS...`
#
# Looked up in order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the project cache
# ($OPSFLOW_CACHE_DIR, default <project>/.cache). Otherwise it is built from source with
# `go install` into the cache: the SDK's own download of the binary needs internet access, and
# v1.5.1 is the newest tag that `go install` accepts (later ones carry a `replace` directive).
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${OPSFLOW_CACHE_DIR:-$root/.cache}
cached="$cache/bin/temporal"

log() { printf '%s\n' "$*" >&2; }

find_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    if [ -x "$TEMPORAL_CLI_PATH" ]; then
      printf '%s\n' "$TEMPORAL_CLI_PATH"
      return 0
    fi
    log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"
    exit 1
  fi
  if [ -x "$cached" ]; then
    printf '%s\n' "$cached"
    return 0
  fi
  if command -v temporal >/dev/null 2>&1; then
    command -v temporal
    return 0
  fi
  return 1
}

build_cli() {
  # shellcheck source=lib/go-install.sh
  . "$root/scripts/lib/go-install.sh"
  go_install_cached temporal-build "$cache/bin" "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION=temporal"
}

cli=$(find_cli) || {
  build_cli
  cli=$cached
}

if [ "${1:-}" = "path" ]; then
  printf '%s\n' "$cli"
else
  exec "$cli" "$@"
fi
