#!/usr/bin/env bash
# Provisions schemathesis (the OpenAPI fuzzer of the conformance test) from PyPI into a virtual
# environment under .cache/, once, and prints the path of its `st` command. Pinned, so a new
# release cannot change what the test finds. Override with SCHEMATHESIS_PATH=/path/to/st.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=4.32.5
if [ -n "${SCHEMATHESIS_PATH:-}" ]; then
  echo "$SCHEMATHESIS_PATH"
  exit 0
fi
venv="$root/.cache/schemathesis-$version"
# A venv cannot be moved (its scripts name their interpreter by path): a marker file says the
# install finished, so a half-finished one is done again.
if [ ! -f "$venv/.complete" ]; then
  python=$(command -v python3 || true)
  if [ -z "$python" ]; then
    echo "schemathesis needs Python 3.9+ (python3 on PATH), or SCHEMATHESIS_PATH" >&2
    exit 1
  fi
  echo "Installing schemathesis $version from PyPI into $venv (first time only)..." >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/st"
