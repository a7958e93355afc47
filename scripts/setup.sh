#!/usr/bin/env bash
# Installs, idempotently, the Debian bookworm packages aezoo needs, then configures and
# builds it (Release) in build/. Safe to run again: apt is skipped when everything is there.
#   bash scripts/setup.sh            # install + build
#   AEZOO_SKIP_BUILD=1 bash scripts/setup.sh   # install only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev            # LibTorch 1.13 (C++ API, TorchScript)
  libopenblas0-pthread    # without it LibTorch uses the reference BLAS: 17x slower
  libyaml-cpp-dev libfmt-dev libgtest-dev zlib1g-dev libstb-dev
  clang-format            # the test command checks formatting
  gnuplot-nox             # figures
  python3-torch           # tests that exports load in Python
  dataset-fashion-mnist   # the default data set (/usr/share/datasets/fashion-mnist)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${AEZOO_SKIP_BUILD:-0}" != 1 ]; then
  generator=()
  if command -v ninja >/dev/null && [ ! -f build/Makefile ]; then generator=(-G Ninja); fi
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${generator[@]}" >/dev/null
  cmake --build build --parallel "$(nproc)"
fi
