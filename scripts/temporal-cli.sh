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
  if ! command -v go >/dev/null 2>&1; then
    log "The Temporal CLI was not found and Go is not installed to build it."
    log "Install Go >= 1.25, or set TEMPORAL_CLI_PATH to an existing 'temporal' binary."
    exit 1
  fi
  mkdir -p "$cache/bin"
  # Two processes may want the binary at once (npm test and npm start): one builds, the other waits.
  exec 9>"$cache/temporal-build.lock"
  flock 9
  if [ -x "$cached" ]; then
    return 0
  fi
  log "Building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (first time only; several minutes on 2 cores)..."
  local tmp start n=0
  tmp=$(mktemp -d "$cache/bin.XXXXXX")
  start=$(date +%s)
  # `go install -v` names each package as it is compiled: count them as progress.
  if ! GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -mod=mod" go install -v "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 2>"$tmp/build.log" \
    | while IFS= read -r _; do
      n=$((n + 1))
      if [ -t 2 ]; then
        printf '\r  %4d packages compiled, %3ds' "$n" "$(($(date +%s) - start))" >&2
      elif [ $((n % 100)) -eq 0 ]; then
        printf '  %d packages compiled, %ds\n' "$n" "$(($(date +%s) - start))" >&2
      fi
    done; then
    log ""
    cat "$tmp/build.log" >&2
    rm -rf "$tmp"
    log "Building the Temporal CLI failed (see above)."
    exit 1
  fi
  if [ ! -x "$tmp/temporal" ]; then
    cat "$tmp/build.log" >&2
    rm -rf "$tmp"
    log "go install finished but produced no 'temporal' binary."
    exit 1
  fi
  mv "$tmp/temporal" "$cached"
  rm -rf "$tmp"
  [ -t 2 ] && printf '\n' >&2
  log "Built $cached in $(($(date +%s) - start))s."
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
