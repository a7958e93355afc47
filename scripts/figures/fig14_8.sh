#!/usr/bin/env bash
# Fig. 14.8, "Non-parametric manifold learning with nearest-neighbour graphs": the k-nearest-
# neighbour graph of swiss-roll points, and the 2-D embedding Isomap makes from its geodesic
# distances, next to an autoencoder's 2-D code; both coloured by the true coordinate t.
# Prints Spearman correlations with the true coordinates and trustworthiness.
#   bash scripts/figures/fig14_8.sh      -> docs/figures/fig14_8.png
source "$(dirname "$0")/common.sh"
RUN="$WORK/fig14_8"
train experiments/fig14_8_autoencoder_swiss_roll.yaml "$RUN"
"$AEZOO" analyze isomap "$RUN" --k 6 --n 900 -o "$RUN/isomap.csv" --edges "$RUN/edges.csv" \
  | tee "$RUN/isomap.txt"
render "$GP/fig14_8.gp" "$FIGDIR/fig14_8.png" run="$RUN"
