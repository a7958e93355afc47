#!/usr/bin/env bash
# Trains every Fashion-MNIST experiment of the zoo (experiments/fashion_*.yaml), evaluates it
# on the test split, and prints the README's results table (markdown) to stdout. Each row is
# reproduced by:  ./build/aezoo train experiments/fashion_NAME.yaml && ./build/aezoo eval runs/fashion_NAME
#   bash scripts/results_table.sh [NAME ...]      (default: every model experiment)
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(autoencoder linear_autoencoder conv_autoencoder sparse denoising dropout contractive
         higher_order_contractive stochastic vae)
fi
mkdir -p runs
for n in "${names[@]}"; do
  exp="experiments/fashion_$n.yaml"
  ./build/aezoo train "$exp" --overwrite --quiet 2>"runs/$n.train.log" || { echo "| $n | training failed, see runs/$n.train.log |"; continue; }
  ./build/aezoo eval "runs/fashion_$n" 2>"runs/$n.eval.log" | tail -n 1 >"runs/$n.eval.json"
done
python3 - "${names[@]}" <<'PY'
import json, sys
print("| model | test -log p(x\\|h) (nats) | model's own terms (test) | linear probe acc. (raw pixels 0.842) | s/epoch |")
print("|---|---|---|---|---|")
skip = {"run", "split", "model_type", "examples", "checkpoint", "probe_accuracy",
        "probe_baseline_raw_pixels", "loss", "recon"}
for n in sys.argv[1:]:
    try:
        ev = json.load(open(f"runs/{n}.eval.json"))
    except Exception:
        continue
    lines = open(f"runs/fashion_{n}/metrics.jsonl").read().split("\n")
    epochs = [json.loads(l) for l in lines if l.strip()]
    sec = sorted(e["seconds"] for e in epochs)[len(epochs) // 2]
    terms = ", ".join(f"{k} {v:.4g}" for k, v in ev.items() if k not in skip and isinstance(v, (int, float)))
    print(f"| `{n}` | {ev['recon']:.2f} | {terms} | {ev.get('probe_accuracy', float('nan')):.4f} | {sec:.1f} |")
PY
