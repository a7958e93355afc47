#!/usr/bin/env bash
# Fig. 14.10, "Contractive autoencoders": tangent vectors at Fashion-MNIST test images
# estimated by local PCA of the nearest training images ("no sharing across regions") and by
# a contractive autoencoder (leading right singular vectors of its encoder Jacobian), plus
# the Jacobian's singular value spectrum of the CAE against a plain autoencoder (the
# contraction profile). Trains two two-layer models on 60000 images (about 4 minutes in all).
#   bash scripts/figures/fig14_10.sh     -> docs/figures/fig14_10.png
source "$(dirname "$0")/common.sh"
DIR="$WORK/fig14_10"
train experiments/fig14_10_contractive_fashion.yaml "$DIR/contractive"
train experiments/fig14_10_autoencoder_fashion.yaml "$DIR/autoencoder"
"$AEZOO" analyze tangent-images "$DIR/contractive" --images 4 --first 0 --vectors 5 --k 50 \
  --scale 2 -o "$DIR/tangents.png"
"$AEZOO" analyze spectrum "$DIR/contractive" "$DIR/autoencoder" --n 200 -o "$DIR/spectrum.csv"
render "$GP/fig14_10.gp" "$FIGDIR/fig14_10.png" dir="$DIR" rows=4 cols=5 scale=2
