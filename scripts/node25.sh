#!/usr/bin/env bash
# Prints the path of a Node 25 binary (JSPI on by default), installed from the npm registry into tools/node25.
exec "$(dirname "$0")/node-release.sh" 25
