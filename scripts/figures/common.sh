# Shared by scripts/figures/fig14_*.sh (sourced, not run): paths, the aezoo binary, and
# train-once. Environment:
#   AEZOO   the aezoo binary (default: build/aezoo)
#   WORK    where runs and CSV files go (default: runs/figures)
#   FIGDIR  where the PNG figures go (default: docs/figures)
#   FORCE=1 retrain runs that already exist
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
AEZOO="${AEZOO:-$ROOT/build/aezoo}"
WORK="${WORK:-$ROOT/runs/figures}"
FIGDIR="${FIGDIR:-$ROOT/docs/figures}"
GP="$ROOT/scripts/figures"
if [[ ! -x "$AEZOO" ]]; then
  echo "error: $AEZOO not found; build first (cmake -S . -B build && cmake --build build)" \
       "or set AEZOO" >&2
  exit 1
fi
if ! command -v gnuplot > /dev/null; then
  echo "error: gnuplot not found (apt-get install gnuplot-nox)" >&2
  exit 1
fi
mkdir -p "$WORK" "$FIGDIR"

# train EXPERIMENT RUN_DIR [key=value ...]: trains EXPERIMENT into RUN_DIR unless RUN_DIR
# already holds a finished run (model.pt) of the same experiment file and overrides (a stamp
# file records them) and FORCE is not 1.
train() {
  local experiment="$1" dir="$2"
  shift 2
  local stamp
  stamp="$( (cat "$experiment"; printf '%s\n' "$@") | sha256sum | cut -d' ' -f1)"
  if [[ -f "$dir/model.pt" && "$(cat "$dir/figure-stamp" 2> /dev/null)" == "$stamp" &&
        "${FORCE:-0}" != 1 ]]; then
    echo "reusing $dir (FORCE=1 retrains)"
    return 0
  fi
  echo "training $experiment -> $dir $*"
  rm -f "$dir/figure-stamp"
  "$AEZOO" train "$experiment" "output.dir=$dir" "$@" --overwrite --quiet
  echo "$stamp" > "$dir/figure-stamp"
}

# render SCRIPT.gp OUTPUT.png [NAME=VALUE ...]: runs a gnuplot script with `out` (the PNG)
# and each NAME set to the string VALUE.
render() {
  local script="$1" out="$2"
  shift 2
  local defs="out='$out'"
  for kv in "$@"; do defs="$defs; ${kv%%=*}='${kv#*=}'"; done
  gnuplot -e "$defs" "$script"
  echo "$out ($(du -k "$out" | cut -f1) KB)"
}
