#!/usr/bin/env bash
# Fig. 14.9, "Tiling a manifold with local coordinate systems": k-means cuts the data into
# regions and PCA of each region gives a flat chart (a "pancake": wide along the manifold,
# thin across it); together the charts tile the manifold. Spiral (2-D) and swiss roll (3-D).
# Data only: nothing is trained.
#   bash scripts/figures/fig14_9.sh      -> docs/figures/fig14_9.png
source "$(dirname "$0")/common.sh"
DIR="$WORK/fig14_9"
mkdir -p "$DIR"
"$AEZOO" analyze tiles experiments/fig14_9_tiling_spiral.yaml --clusters 24 --seed 1 \
  --scale 2 -o "$DIR/spiral_charts.csv" --assign "$DIR/spiral_points.csv"
"$AEZOO" analyze tiles experiments/fig14_9_tiling_swiss_roll.yaml --clusters 40 --seed 1 \
  --scale 1.8 -o "$DIR/swiss_roll_charts.csv" --assign "$DIR/swiss_roll_points.csv"
render "$GP/fig14_9.gp" "$FIGDIR/fig14_9.png" dir="$DIR"
