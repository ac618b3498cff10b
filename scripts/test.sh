#!/usr/bin/env bash
# The test suite, on both backends: every test file on Asyncify with this Node, then the runtime tests
# (test/runtime) again on JSPI with Node 25 (scripts/node25.sh). Extra arguments go to both vitest runs.
# With VTHREADS_REPORT_DIR set, each run also writes a JSON report there (asyncify.json, jspi.json), for CI.
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
exit "$status"
