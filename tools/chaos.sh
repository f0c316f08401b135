#!/usr/bin/env bash
# Chaos accounting (docs/reliability.md): runs the [chaos] tests of tests/integration/chaos_test
# longer than the test suite does. Durable writes of every kind (echo notes, PTT text, Dialpad
# webhooks, call setups) go on while the node is killed with SIGKILL and restarted each round;
# on PostgreSQL the database is also restarted once. Each run prints, per kind, what was
# acknowledged, how many attempts failed and why, and how many acknowledged writes are lost or
# stored twice (both must be 0; the test fails otherwise).
# Usage: tools/chaos.sh [--rounds N] [--round-ms MS] [sqlite|postgresql ...]
#   --rounds N     kills per run (default 10)
#   --round-ms MS  writing time between kills (default 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=10 round_ms=3000 dialects=()
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --round-ms) round_ms=$2; shift 2 ;;
    sqlite|postgresql) dialects+=("$1"); shift ;;
    *) echo "usage: tools/chaos.sh [--rounds N] [--round-ms MS] [sqlite|postgresql ...]" >&2; exit 2 ;;
  esac
done
((${#dialects[@]})) || dialects=(sqlite postgresql)
tools/build.sh >/dev/null
export SB_CHAOS_ROUNDS=$rounds SB_CHAOS_ROUND_MS=$round_ms
for dialect in "${dialects[@]}"; do
  echo "== $dialect: $rounds kills, ${round_ms} ms apart"
  if [[ $dialect == postgresql ]]; then
    source tools/lib/temp_postgres.sh
    [[ -n ${SB_TEST_PG_CTL:-} ]] || temp_postgres_start
    SB_TEST_DB=postgresql build/tests/integration_tests "[chaos]"
  else
    SB_TEST_DB=sqlite build/tests/integration_tests "[chaos]~[pg_restart]"
  fi
done
