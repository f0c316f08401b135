#!/usr/bin/env bash
# The README's second command: install what is missing (PostgreSQL included), check the
# formatting (tools/check-format.sh), build, start a throw-away PostgreSQL server in a temp
# directory, run every test against SQLite and PostgreSQL, then the unit, actor, store,
# integration and fuzz-corpus tests once more on SQLite in a build with AddressSanitizer and
# UBSan (docs/reliability.md), and stop the server and remove it. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --test
tools/check-format.sh
# The WebRTC peers of the end-to-end call test (libwebrtc for Node.js) and the official
# socket.io-client of the Socket.IO tests, from npm.
(cd tests/webrtc && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/socketio && npm ci --no-audit --no-fund --loglevel=error)
tools/build.sh
tools/build.sh --sanitize
source tools/lib/temp_postgres.sh
temp_postgres_start
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
# Any sanitizer report fails its test: UBSan halts, ASan always does, LeakSanitizer at exit.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tools/ubsan.supp"
export ASAN_OPTIONS="detect_leaks=1"
ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)" \
  -R '^(unit|actors|store_sqlite|integration_sqlite|fuzz_.*)$' "$@"
