#!/usr/bin/env bash
# The README's second command: install what is missing (PostgreSQL included), check the
# formatting (tools/check-format.sh), build, start a throw-away PostgreSQL server in a temp
# directory, run every test against SQLite and PostgreSQL, then stop the server and remove it.
# Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --test
tools/check-format.sh
# The WebRTC peers of the end-to-end call test (libwebrtc for Node.js, from npm).
(cd tests/webrtc && npm ci --no-audit --no-fund --loglevel=error)
tools/build.sh
source tools/lib/temp_postgres.sh
temp_postgres_start
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
