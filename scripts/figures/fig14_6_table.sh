#!/usr/bin/env bash
# The table behind fig. 14.6: how well tangent planes are estimated by the encoder Jacobian
# of a contractive / plain autoencoder and by local PCA of the k nearest training points,
# on four synthetic manifolds at three sample sizes. Each cell: the largest principal angle
# (degrees) to the true tangent space, averaged over the test points.
#   bash scripts/figures/fig14_6_table.sh   -> docs/figures/fig14_6_table.txt
source "$(dirname "$0")/common.sh"
DIR="$WORK/fig14_6_table"
runs=()
for n in 100 300 1000; do
  # The same 2400 optimiser steps at every size: 300 epochs of 8 batches (72% of n are
  # training points).
  batch=$(( (n * 72 / 100 + 7) / 8 ))
  for manifold in circle spiral swiss_roll sphere; do
    for model in contractive autoencoder; do
      run="$DIR/${manifold}_${n}_${model}"
      train "experiments/fig14_6_table_${model}.yaml" "$run" "data.dataset=$manifold" \
        "data.num_points=$n" "trainer.batch_size=$batch"
      runs+=("$run")
    done
  done
done
"$AEZOO" analyze tangents "${runs[@]}" --k 10 | tee "$DIR/table.txt"
cp "$DIR/table.txt" "$FIGDIR/fig14_6_table.txt"
echo "$FIGDIR/fig14_6_table.txt"
