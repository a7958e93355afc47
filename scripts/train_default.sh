#!/usr/bin/env bash
# The main job: installs what is needed, builds, and trains the default experiment (an
# undercomplete autoencoder on the full Fashion-MNIST training set). The run directory
# (metrics.jsonl, checkpoints/, reconstructions.png, model.pt) goes to runs/fashion_autoencoder.
#   bash scripts/train_default.sh [key=value ...]     e.g. trainer.epochs=2
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/aezoo train experiments/fashion_autoencoder.yaml --overwrite "$@"
./build/aezoo eval runs/fashion_autoencoder
