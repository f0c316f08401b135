#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (tests/fuzz/README.md). Builds them with clang into
# build-fuzz/ (SB_FUZZ=ON: the parsing layers only, under AddressSanitizer and UBSan), then runs
# one target or all, each from its checked-in corpus, and prints per target: executions,
# coverage (edges), corpus size and crashes.
# Usage: tools/fuzz.sh [--runs N | --seconds S] [--keep] [target ...]
#   --runs N     stop each target after N executions (default 100000)
#   --seconds S  stop each target after S seconds instead
#   --keep       add the inputs a run found new coverage with to tests/fuzz/corpus/<target>
# A crash leaves its input in build-fuzz/crashes/<target>/; the script exits 1. Put the input
# into the target's corpus with the fix, so that the ordinary test run replays it for good.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=100000 seconds="" keep=0 targets=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
tools/install-deps.sh --fuzz
cmake -S . -B build-fuzz -G Ninja -DSB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null
((${#targets[@]})) || mapfile -t targets < <(cd tests/fuzz/targets && ls *.cpp | sed 's/\.cpp$//')
limit=(-runs="$runs")
[[ -n $seconds ]] && limit=(-max_total_time="$seconds")
status=0
for t in "${targets[@]}"; do
  work=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t
  rm -rf "$work" "$crashes"; mkdir -p "$work" "$crashes"
  dict=(); [[ -f tests/fuzz/dict/$t.dict ]] && dict=(-dict="tests/fuzz/dict/$t.dict")
  log=build-fuzz/$t.log
  # New inputs go to the scratch corpus (first directory); the checked-in one seeds it.
  if ! "build-fuzz/tests/fuzz/fuzz_$t" "${limit[@]}" "${dict[@]}" -artifact_prefix="$crashes/" \
      -print_final_stats=1 "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    status=1
  fi
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  found=$(ls "$crashes" | wc -l)
  echo "$t: ${execs:-?} executions, ${cov:-?} edges, $(ls "$work" | wc -l) new inputs, $found crashes"
  ((found == 0)) || { status=1; grep -m3 -E 'ERROR|fuzz check failed|SUMMARY' "$log" || true; }
  if ((keep)); then
    "build-fuzz/tests/fuzz/fuzz_$t" -merge=1 "tests/fuzz/corpus/$t" "$work" >/dev/null 2>&1
  fi
done
exit $status
