#!/usr/bin/env bash
# Provisions the real servers the tests need, once, and prints their settings as
# `export NAME=value` lines (scripts/test.sh evaluates them):
#   - PostgreSQL: the local cluster started and a test database created (provision-postgres.sh)
#   - the Temporal CLI with its dev server: found or built with `go install` (temporal-cli.sh)
#   - Temporal's time-skipping test server: jars fetched from Maven Central (test-server.sh)
#   - the real Temporal server and its SQL schema tool: built with `go install` (temporal-server.sh)
#   - schemathesis, the OpenAPI fuzzer of the conformance test: from PyPI (schemathesis.sh)
# It fails loudly when a server cannot be had: a suite is never skipped for want of one.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

database_url=$(bash "$here/provision-postgres.sh")
temporal_cli=$(bash "$here/temporal-cli.sh" path)
if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  test_server=$TEMPORAL_TEST_SERVER_PATH
else
  bash "$here/test-server.sh" fetch
  test_server="$here/test-server.sh"
fi

# Prints its own `export` lines (the server, the schema tool, the schemas in the module cache).
bash "$here/temporal-server.sh" env
schemathesis=$(bash "$here/schemathesis.sh")

printf 'export DATABASE_URL=%q\n' "$database_url"
printf 'export TEMPORAL_CLI_PATH=%q\n' "$temporal_cli"
printf 'export TEMPORAL_TEST_SERVER_PATH=%q\n' "$test_server"
printf 'export SCHEMATHESIS_PATH=%q\n' "$schemathesis"
