#!/usr/bin/env bash
# Temporal's time-skipping test server (the Java io.temporal.testserver.TestServer from Maven
# Central), run from a cached classpath.
#
#   scripts/test-server.sh fetch       fetch the jars once (mvn dependency:copy-dependencies)
#   scripts/test-server.sh PORT [...]  run the server on PORT (what the SDK's `existing-path` does)
#
# The SDK's own download of the server needs internet access; Maven Central is reachable here.
# `TEMPORAL_TEST_SERVER_PATH` may point at another executable taking the same arguments.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${OPSFLOW_CACHE_DIR:-$root/.cache}/test-server
pom="$root/scripts/test-server/pom.xml"
lib="$cache/lib"
stamp="$cache/pom.sha256"

log() { printf '%s\n' "$*" >&2; }

fetch() {
  local want
  want=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -n "$(ls -A "$lib" 2>/dev/null)" ]; then
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    log "The time-skipping test server needs Java 17+ and Maven to fetch it (or set TEMPORAL_TEST_SERVER_PATH)."
    exit 1
  fi
  mkdir -p "$cache"
  exec 9>"$cache/fetch.lock"
  flock 9
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "Fetching Temporal's time-skipping test server from Maven Central (first time only)..."
  rm -rf "$lib"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >&2
  printf '%s' "$want" >"$stamp"
  log "Test server classpath cached in $lib."
}

if [ "${1:-}" = "fetch" ]; then
  fetch
  exit 0
fi

fetch
# A short-lived JVM: C1 only and a small heap start faster on two cores. Class-data sharing
# (the JDK's default CDS archive) is on by default.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m -Xms64m ${OPSFLOW_TEST_SERVER_JAVA_OPTS:-} \
  -cp "$lib/*" io.temporal.testserver.TestServer "$@"
