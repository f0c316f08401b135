#!/usr/bin/env bash
# Configures and builds Switchboard into ./build (Release, Ninja, one job per core).
# With --sanitize: the same tree built with AddressSanitizer and UBSan into ./build-sanitize
# (-O1, line tables), for tools/test.sh's sanitized run (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--sanitize" ]]; then
  cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" \
    -DSB_SANITIZE=address,undefined >/dev/null
  cmake --build build-sanitize -j "$(nproc)"
  exit
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
