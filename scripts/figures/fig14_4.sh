#!/usr/bin/env bash
# Fig. 14.4, "Denoising autoencoders learn a manifold": a DAE trained on points near a 1-D
# curve maps corrupted points x~ ~ C(x~ | x) back towards the curve.
#   bash scripts/figures/fig14_4.sh      -> docs/figures/fig14_4.png
source "$(dirname "$0")/common.sh"
RUN="$WORK/fig14_4"
train experiments/fig14_4_denoising_spiral.yaml "$RUN"
"$AEZOO" analyze points "$RUN" --split train -o "$RUN/points.csv"
"$AEZOO" analyze denoise "$RUN" --checkpoint last --n 30 --seed 3 -o "$RUN/denoise.csv"
render "$GP/fig14_4.gp" "$FIGDIR/fig14_4.png" run="$RUN" sigma=0.1
