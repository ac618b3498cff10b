#!/usr/bin/env bash
# The test suite, on both backends and the supported Node releases: every test file on Asyncify with this Node
# (20, the machine's); the runtime tests (test/runtime) again on JSPI with Node 25 (scripts/node25.sh); and on Node 24
# LTS (scripts/node24.sh) everything but the browser tests on Asyncify. Not JSPI on Node 24: its V8 (13.6) has
# WebAssembly.Suspending without a flag, but two runtime tests fail there (README, "Use it in your project").
# Extra arguments go to every vitest run.
# With VTHREADS_REPORT_DIR set, each run also writes a JSON report there (asyncify.json, jspi.json,
# node24-asyncify.json), for CI. VTHREADS_NODE24=0 leaves the Node 24 run out.
set -uo pipefail
cd "$(dirname "$0")/.."

report() {
  if [ -n "${VTHREADS_REPORT_DIR:-}" ]; then echo "--reporter=default --reporter=json --outputFile.json=$VTHREADS_REPORT_DIR/$1.json"; fi
}

status=0
echo "== vthreads tests on the Asyncify backend ($(node --version))"
# shellcheck disable=SC2046
npx vitest run $(report asyncify) "$@" || status=$?

node25="$(scripts/node25.sh)" || { echo "cannot install Node 25 for the JSPI run" >&2; exit 1; }
echo "== vthreads runtime tests on the JSPI backend ($("$node25" --version))"
# shellcheck disable=SC2046
VTHREADS_BACKEND=jspi "$node25" node_modules/vitest/vitest.mjs run test/runtime $(report jspi) "$@" || status=$?

if [ "${VTHREADS_NODE24:-1}" != "0" ]; then
  node24="$(scripts/node24.sh)" || { echo "cannot install Node 24 for the LTS runs" >&2; exit 1; }
  # Its directory first in PATH: the package tests' npm, npx and node run on Node 24 too.
  export PATH="$(dirname "$node24"):$PATH"
  echo "== vthreads tests but the browser's on the Asyncify backend ($("$node24" --version), LTS)"
  # shellcheck disable=SC2046
  "$node24" node_modules/vitest/vitest.mjs run test/runtime test/toolchain test/package $(report node24-asyncify) "$@" || status=$?
fi
exit "$status"
