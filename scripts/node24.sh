#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary, installing it from the npm registry into tools/node24 the first time (the
# npm package `node`, which ships the binary; nothing is downloaded from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=tools/node24/node_modules/.bin/node
if [ ! -x "$bin" ]; then
  npm install --prefix tools/node24 --no-audit --no-fund >&2
fi
echo "$PWD/$bin"
