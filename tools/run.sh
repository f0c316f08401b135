#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run a node on port 8080
# with an embedded SQLite database (./switchboard.db). Extra arguments go to `switchboard`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
exec build/tools/switchboard serve "$@"
