#!/usr/bin/env bash
# Prints the path of a Node binary of the given major release, installing it from the npm registry into
# tools/node<major> the first time (the npm package `node`, which ships the binary; nothing is downloaded from
# elsewhere). The version installed is the one tools/node<major>/package.json (and its lock file) names.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:?usage: scripts/node-release.sh <major>}"
bin="tools/node$major/node_modules/.bin/node"
if [ ! -x "$bin" ]; then
  npm install --prefix "tools/node$major" --no-audit --no-fund >&2
fi
echo "$PWD/$bin"
