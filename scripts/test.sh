#!/usr/bin/env bash
# `npm test`: provision the real servers (PostgreSQL, Temporal dev server, time-skipping test
# server), build the CLI, then run jest. Extra arguments go to jest (`npm test -- dsl/`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

eval "$(bash scripts/provision.sh)"
# Some tests run the built `opsflow` binary, as a user would.
npx --no-install tsc -p tsconfig.build.json
mkdir -p .cache
results=.cache/jest-results.json
rm -f "$results"
status=0
npx --no-install jest --json --outputFile="$results" "$@" || status=$?
# One plain closing line with the counts, after jest's own summary.
if [ -f "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`tests: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$root/$results"
fi
exit "$status"
