#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds, checks formatting, runs every
# examples against an installed copy of aezoo, then runs every GoogleTest through ctest
# (CUDA tests skip without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== clang-format"
git ls-files '*.h' '*.cpp' | xargs clang-format --dry-run -Werror

echo "== examples against the installed package"
bash scripts/test_examples.sh

echo "== ctest"
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
