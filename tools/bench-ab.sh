#!/usr/bin/env bash
# Compares two builds run after run on the same machine, where one run of each cannot tell a
# change from the machine's spread: alternates 6 s runs of this tree's build and of another
# tree's (e.g. a `git worktree` of the commit before, built with tools/build.sh), on SQLite.
# Usage: tools/bench-ab.sh <other tree> <rounds> echo
#        tools/bench-ab.sh <other tree> <rounds> ptt <groups> <members>
# Prints one line per round: the other tree's figure, then this tree's (echo: replies/s;
# ptt: p99 ms and node CPU). Echo runs use the default password hashing, as tools/bench.sh
# does; ptt runs cheap hashing, to create their members quickly. SQLite echo moves with glibc's
# dynamic mmap threshold (docs/performance.md); SB_AB_PIN_MALLOC=1 pins it for both builds.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
other=$1 rounds=$2 what=$3
extra=()
[[ $what == ptt ]] && extra+=(PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64)
[[ ${SB_AB_PIN_MALLOC:-0} == 1 ]] &&
  extra+=(GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728)
source "$here/tools/lib/bench_node.sh"
run() {
  local tree=$1 work
  work=$(mktemp -d /tmp/sb-ab-XXXXXX)
  start_bench_node "$tree/build/tools/switchboard" "$work" "sqlite:$work/db" \
    MAXIMUM_AUDIO_DURATION=600000 GROUP_BUSY_TIMEOUT=600000 "${extra[@]}"
  local pid=$server_pid
  if [[ $what == echo ]]; then
    "$tree/build/tools/loadgen" --port "$port" --token "$token" --sessions 100 --window 4 --echo 1 \
      --duration 6 | awk '/throughput/ {print $2 " replies/s"}'
  else
    "$tree/build/tools/loadgen" ptt --port "$port" --token "$token" --groups "$2" --members "$3" \
      --duration 6 --server-pid "$pid" |
      awk '/p99/ {p=$11} /node: CPU/ {c=$3} END {print "p99 " p " ms, CPU " c}'
  fi
  kill "$pid"; wait "$pid" 2>/dev/null
  rm -rf "$work"
}
for _ in $(seq "$rounds"); do
  echo "other: $(run "$other" "${@:4}") | this: $(run "$here" "${@:4}")"
done
