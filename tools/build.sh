#!/usr/bin/env bash
# Configures and builds Switchboard into ./build (Release, Ninja, one job per core).
#   --sanitize  the same tree with AddressSanitizer and UBSan into ./build-sanitize (-O1, line
#               tables), for tools/test.sh's sanitized run (docs/reliability.md)
#   --tsan      with ThreadSanitizer into ./build-tsan, for the race run of docs/reliability.md
set -euo pipefail
cd "$(dirname "$0")/.."
instrumented=(-DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1")
case "${1:-}" in
  --sanitize) dir=build-sanitize flags=("${instrumented[@]}" -DSB_SANITIZE=address,undefined) ;;
  --tsan) dir=build-tsan flags=("${instrumented[@]}" -DSB_SANITIZE=thread) ;;
  "") dir=build flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  *) echo "usage: tools/build.sh [--sanitize | --tsan]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
