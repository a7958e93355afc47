#!/usr/bin/env bash
# Installs aezoo into a temporary prefix, builds the two examples against it (one links
# aezoo::aezoo, one only LibTorch), trains a tiny run and runs both examples on it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install build --prefix "$prefix" >/dev/null
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S examples/encode_run -B "$work/encode_run" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/encode_run" >/dev/null
cmake -S examples/run_exported -B "$work/run_exported" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/run_exported" >/dev/null

"$prefix/bin/aezoo" train experiments/fashion_autoencoder.yaml --quiet \
  data.limit=600 trainer.epochs=1 model.hidden='[64]' model.latent_dim=8 \
  output.dir="$work/run" >/dev/null 2>&1
"$work/encode_run/encode_run" "$work/run" 4
"$work/run_exported/run_exported" "$work/run/model.pt" 3
echo "examples: 2 passed, 0 failed"
