#!/usr/bin/env bash
# Fig. 14.7, "Learning a collection of 0-D manifolds by resisting perturbation": 1-D data at
# x in {-1, 0, 1}; the reconstruction r(x) of a denoising and of a contractive autoencoder
# against x, with the identity line: r is flat near the data points and crosses the
# identity there.
#   bash scripts/figures/fig14_7.sh      -> docs/figures/fig14_7.png
source "$(dirname "$0")/common.sh"
DIR="$WORK/fig14_7"
mkdir -p "$DIR"
# 600 points, 200 at each of -1, 0, 1, with Gaussian noise of std 0.02 (Box-Muller, seeded).
awk -v seed=7 'BEGIN {
  srand(seed); print "x";
  for (i = 0; i < 600; i++) {
    c = (i % 3) - 1; u = rand(); v = rand();
    printf "%.6f\n", c + 0.02 * sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v);
  }
}' > "$DIR/points.csv.tmp"
if ! cmp -s "$DIR/points.csv.tmp" "$DIR/points.csv"; then
  mv "$DIR/points.csv.tmp" "$DIR/points.csv"
  export FORCE=1  # new data: retrain
else
  rm "$DIR/points.csv.tmp"
fi
for model in denoising contractive; do
  train "experiments/fig14_7_${model}_points.yaml" "$DIR/$model" "data.train_file=$DIR/points.csv"
  "$AEZOO" analyze curve "$DIR/$model" --checkpoint last --steps 401 --margin 0.6 -o "$DIR/$model.csv"
done
render "$GP/fig14_7.gp" "$FIGDIR/fig14_7.png" dir="$DIR"
