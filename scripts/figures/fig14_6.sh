#!/usr/bin/env bash
# Fig. 14.6, "Tangent hyperplane of a manifold": at points of a 1-D curve in 2-D, the tangent
# line estimated by a contractive autoencoder (leading right singular vector of its encoder
# Jacobian) and by local PCA of the k nearest training points, against the true tangent.
# Prints the mean angles (the full table over manifolds and densities: tangent_table.sh).
#   bash scripts/figures/fig14_6.sh      -> docs/figures/fig14_6.png
source "$(dirname "$0")/common.sh"
RUN="$WORK/fig14_6"
train experiments/fig14_6_contractive_spiral.yaml "$RUN"
"$AEZOO" analyze points "$RUN" --split train -o "$RUN/points.csv"
"$AEZOO" analyze tangents "$RUN" --k 10 -o "$RUN/tangents.csv"
render "$GP/fig14_6.gp" "$FIGDIR/fig14_6.png" run="$RUN"
