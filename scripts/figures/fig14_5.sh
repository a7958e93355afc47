#!/usr/bin/env bash
# Fig. 14.5, "Vector field learned by a denoising autoencoder": r(x) - x on a grid around
# data near a 1-D curve in 2-D; the arrows point towards the curve (towards higher density:
# r(x) - x ~ sigma^2 d log p(x) / dx, Alain & Bengio 2014).
#   bash scripts/figures/fig14_5.sh      -> docs/figures/fig14_5.png
source "$(dirname "$0")/common.sh"
RUN="$WORK/fig14_5"
train experiments/fig14_5_denoising_spiral.yaml "$RUN"
"$AEZOO" analyze points "$RUN" --split train -o "$RUN/points.csv"
"$AEZOO" analyze vector-field "$RUN" --checkpoint last --grid 31 --margin 0.1 -o "$RUN/field.csv"
render "$GP/fig14_5.gp" "$FIGDIR/fig14_5.png" run="$RUN"
