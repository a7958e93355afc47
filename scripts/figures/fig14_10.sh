#!/usr/bin/env bash
# Fig. 14.10, "Contractive autoencoders": tangent vectors at Fashion-MNIST test images
# estimated by local PCA of the nearest training images ("no sharing across regions") and by
# a contractive autoencoder, the Jacobian's singular value spectrum of the CAE against a plain
# autoencoder (the contraction profile), and how much of the step from a test image to its
# nearest other test images each tangent estimate captures, for CAEs trained on 270, 900,
# 2,700 and 54,000 images (the book: the CAE "is able to form more accurate estimates from
# limited training data" than local PCA). Trains five two-layer CAEs/AEs (about 12 minutes).
#   bash scripts/figures/fig14_10.sh     -> docs/figures/fig14_10.png
source "$(dirname "$0")/common.sh"
DIR="$WORK/fig14_10"
CAE=experiments/fig14_10_contractive_fashion.yaml
train "$CAE" "$DIR/contractive"
train experiments/fig14_10_autoencoder_fashion.yaml "$DIR/autoencoder"
# Learning curve: the first N images of the training file (90% train, 10% validation; the
# test set stays whole), each small run shown 270,000 images in all (1000, 300, 100 epochs).
train "$CAE" "$DIR/n300" data.train_limit=300 trainer.epochs=1000
train "$CAE" "$DIR/n1000" data.train_limit=1000 trainer.epochs=300
train "$CAE" "$DIR/n3000" data.train_limit=3000 trainer.epochs=100
for run in n300 contractive; do
  "$AEZOO" analyze tangent-images "$DIR/$run" --images 3 --first 0 --vectors 5 --k 50 \
    --jacobian both --scale 2 -o "$DIR/tangents_$run.png"
done
"$AEZOO" analyze spectrum "$DIR/contractive" "$DIR/autoencoder" --n 200 -o "$DIR/spectrum.csv"
"$AEZOO" analyze tangent-fit "$DIR/n300" "$DIR/n1000" "$DIR/n3000" "$DIR/contractive" \
  --vectors 5 --k 50 --n 200 --neighbors 5 -o "$DIR/fit.csv" | tee "$FIGDIR/fig14_10_fit.txt"
# The plain autoencoder on the same test points, for the text (not in the figure).
"$AEZOO" analyze tangent-fit "$DIR/autoencoder" --vectors 5 --k 50 --n 200 --neighbors 5 |
  tee -a "$FIGDIR/fig14_10_fit.txt"
render "$GP/fig14_10.gp" "$FIGDIR/fig14_10.png" dir="$DIR" rows=3 cols=5 scale=2 \
  small=tangents_n300.png large=tangents_contractive.png
