#!/usr/bin/env bash
# Runs one official conformance suite against the conformance server (README.md here).
# Usage: run_suite.sh <engine.io|socket.io> <server binary> <work dir>
set -euo pipefail
suite=$1 server=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$here/third_party/$suite-protocol
mkdir -p "$work"
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" || [[ ! -d $work/node_modules ]]; then
  cp "$src/package.json" "$src/package-lock.json" "$src/node-imports.js" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi
log=$work/server.log
# A log left by an earlier run must not be read for this one's port (the redirect below
# truncates it only once the background shell gets to it).
rm -f "$log"
"$server" 0 >"$log" 2>&1 &
pid=$!
# On the way out: a server that died during the run fails it, and its log is shown.
finish() {
  local status=$?
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "conformance server exited during the run:"; tail -20 "$log"; exit 1
  fi
  kill "$pid"
  ((status == 0)) || { echo "server log:"; tail -20 "$log"; }
}
trap finish EXIT
for _ in $(seq 100); do
  port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { echo "conformance server did not start"; cat "$log"; exit 1; }
# The suite hard-codes localhost:3000; only the copy changes.
sed "s#http://localhost:3000#http://127.0.0.1:$port#" "$src/test-suite.js" >"$work/test-suite.js"
cd "$work"
# Both suites race themselves on a loaded machine (README.md here): judged over a few runs.
runs=5
[[ $suite == engine.io ]] && runs=3
reports=()
for run in $(seq "$runs"); do
  npx mocha --reporter json test-suite.js >"run$run.json" 2>/dev/null || true
  reports+=("run$run.json")
  node "$here/judge.mjs" "${reports[@]}" >/dev/null && break
done
node "$here/judge.mjs" "${reports[@]}"
