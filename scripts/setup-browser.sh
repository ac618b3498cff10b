#!/usr/bin/env bash
# Installs what the browser tests need: Chromium from Debian (/usr/bin/chromium), driven by playwright-core.
# Never downloads a browser of its own (no `npx playwright install`). Idempotent: does nothing when it is there.
# Needs root (or sudo) and Debian/Ubuntu's apt; works without a terminal (CI=true, no stdin).
set -euo pipefail

CHROMIUM="${VTHREADS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1) at $CHROMIUM"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: $CHROMIUM is missing and this system has no apt-get; install Chromium and set VTHREADS_CHROMIUM to its path" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "setup-browser: installing chromium needs root: run as root, or: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

echo "setup-browser: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q < /dev/null
$SUDO apt-get install -y -q --no-install-recommends chromium < /dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "setup-browser: installed the chromium package, but $CHROMIUM is still missing (set VTHREADS_CHROMIUM to its path)" >&2
  exit 1
fi
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1) at $CHROMIUM"
