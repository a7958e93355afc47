#!/usr/bin/env bash
# Fig. 14.6, "Tangent hyperplane of a manifold": at points of a 1-D manifold in 2-D (a noisy
# circle), the tangent line estimated by a contractive autoencoder (leading right singular
# vector of its encoder Jacobian) and by local PCA of the k nearest training points, against
# the true tangent. Prints the mean angles (the table over manifolds and sample sizes:
# fig14_6_table.sh).
#   bash scripts/figures/fig14_6.sh      -> docs/figures/fig14_6.png
source "$(dirname "$0")/common.sh"
RUN="$WORK/fig14_6"
train experiments/fig14_6_contractive_circle.yaml "$RUN"
"$AEZOO" analyze points "$RUN" --split train -o "$RUN/points.csv"
"$AEZOO" analyze tangents "$RUN" --k 10 -o "$RUN/tangents.csv" | tee "$RUN/tangents.txt"
jac=$(awk 'NR == 2 { print $6 }' "$RUN/tangents.txt")
pca=$(awk 'NR == 2 { print $7 }' "$RUN/tangents.txt")
render "$GP/fig14_6.gp" "$FIGDIR/fig14_6.png" run="$RUN" jac="$jac" pca="$pca"
