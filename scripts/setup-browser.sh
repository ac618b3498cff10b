#!/usr/bin/env bash
# Installs what the browser tests need: Chromium (driven by playwright-core) and Firefox ESR (driven by
# puppeteer-core over WebDriver BiDi), both from Debian. Never downloads a browser of its own (no `npx playwright
# install`, no puppeteer browser download). Idempotent: does nothing when they are there.
# Needs root (or sudo) and Debian/Ubuntu's apt; works without a terminal (CI=true, no stdin).
set -euo pipefail

CHROMIUM="${VTHREADS_CHROMIUM:-/usr/bin/chromium}"
FIREFOX="${VTHREADS_FIREFOX:-/usr/bin/firefox-esr}"

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$FIREFOX" ] || missing+=(firefox-esr)

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: ${missing[*]} missing and this system has no apt-get; install them and set VTHREADS_CHROMIUM / VTHREADS_FIREFOX to their paths" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      echo "setup-browser: installing ${missing[*]} needs root: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup-browser: installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q < /dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" < /dev/null
fi

for b in "$CHROMIUM" "$FIREFOX"; do
  if [ ! -x "$b" ]; then
    echo "setup-browser: $b is still missing after the install (set VTHREADS_CHROMIUM / VTHREADS_FIREFOX to the browser's path)" >&2
    exit 1
  fi
done
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1) at $CHROMIUM"
echo "firefox: $("$FIREFOX" --version 2>/dev/null | head -n 1) at $FIREFOX"
