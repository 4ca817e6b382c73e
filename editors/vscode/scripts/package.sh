#!/usr/bin/env bash
# npm run package:vscode: builds dist/opsflow-vscode.vsix. The rule schema is copied from
# dsl/schema (the one the checker's tests keep honest), the extension's one dependency
# (vscode-languageclient) is installed beside it, and @vscode/vsce (a devDependency of opsflow)
# packs it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cp "$root/dsl/schema/rule.schema.json" "$here/schemas/rule.schema.json"
cd "$here"
npm install --omit=dev --no-audit --no-fund --no-package-lock --loglevel=error
mkdir -p "$root/dist"
"$root/node_modules/.bin/vsce" package --no-rewrite-relative-links --allow-missing-repository \
  --out "$root/dist/opsflow-vscode.vsix"
