#!/usr/bin/env bash
# Prints the path of a Node 25 binary (JSPI on by default), installing it from the npm registry into tools/node25 the
# first time (the npm package `node`, which ships the binary; nothing is downloaded from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=tools/node25/node_modules/.bin/node
if [ ! -x "$bin" ]; then
  npm install --prefix tools/node25 --no-audit --no-fund >&2
fi
echo "$PWD/$bin"
