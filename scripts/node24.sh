#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary, installed from the npm registry into tools/node24.
exec "$(dirname "$0")/node-release.sh" 24
