#!/usr/bin/env bash
# Provisions the browser of the console tests and bench (`npm run test:console`,
# `npm run bench:console`): Debian's `chromium` package, apt-installed when missing (Playwright's
# own browser download cannot work here), and a Chinese font (WenQuanYi Micro Hei) when the machine
# has none, so the Simplified Chinese console is legible in the screenshots. Prints the browser's
# path. `CHROMIUM_PATH` overrides.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
  echo "$CHROMIUM_PATH"
  exit 0
fi

find_chromium() {
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if ! find_chromium >/dev/null; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is not installed and apt-get is not here: install Chromium and set CHROMIUM_PATH" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's chromium package (apt-get)" >&2
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium >&2
fi

# Without a CJK font Chromium draws Chinese text as boxes (the console works, the screenshots of
# docs/console/ do not read). Best effort: a machine without apt keeps its own fonts.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing a Chinese font for Chromium (fonts-wqy-microhei)" >&2
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends fonts-wqy-microhei >&2; then
    $sudo apt-get update >&2 &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends fonts-wqy-microhei >&2 ||
      echo "no Chinese font installed: Chinese text shows as boxes in screenshots" >&2
  fi
fi

find_chromium || { echo "chromium is still not found after apt-get install" >&2; exit 1; }
