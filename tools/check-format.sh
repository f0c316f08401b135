#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted as .clang-format says; lists them.
# Fix with: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror
