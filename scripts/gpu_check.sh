#!/usr/bin/env bash
# One-shot check on a GPU machine with the PyTorch wheel (2.x): builds aezoo against the
# wheel's LibTorch, runs the whole test suite (CUDA tests included), checks that modules
# exported by LibTorch 1.13 (in .gpu/exports, references written on the Debian machine by
# scripts/compat/export_compat.py write) load and agree on CPU and CUDA, and runs the
# training benchmark on CUDA at batch 128 and 4096. Output goes to $OUT (or ./gpu_out).
# Needs (carried in .gpu/): include/stb/*.h, data/fashion-mnist/*.gz, exports/*.pt.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu_out}; mkdir -p "$OUT"
log() { echo "== $*"; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
# The wheel's libtorch_cpu exports std::filesystem symbols of another libstdc++ build; make the
# system one win (otherwise std::filesystem::remove_all crashes in the tests).
export LD_PRELOAD=$(g++ -print-file-name=libstdc++.so.6)
mkdir -p /usr/share/datasets && ln -sfn "$PWD/.gpu/data/fashion-mnist" /usr/share/datasets/fashion-mnist
log "exports written by LibTorch 1.13, loaded by this PyTorch on CPU and CUDA"
python3 scripts/compat/export_compat.py check .gpu/exports 2>&1 | tee "$OUT/compat.log"
prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
log configure
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DAEZOO_FMT_HEADER_ONLY=ON -DAEZOO_STB_HINT="$PWD/.gpu/include" >"$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
log build
time ninja -C build-gpu -j16 -k 0 aezoo_bench test_config test_trainers test_models >"$OUT/build.log" 2>&1 || { grep -E "error|FAILED" "$OUT/build.log" | head -30; }
log "CUDA tests"
for t in test_config test_trainers; do timeout 60 ./build-gpu/tests/$t --gtest_filter='*_CUDA*' 2>&1 | grep -E "OK|FAILED|PASSED" ; done
log "benchmark, CUDA, batch 128 and 4096"
./build-gpu/aezoo_bench --device cuda --workloads vae,mlp_ae,cae_closed --repeats 2 --max-steps 200 2>&1 | tee "$OUT/bench128.txt"
python3 benchmarks/pytorch_vae.py --device cuda --repeats 2 2>&1 | tee -a "$OUT/bench128.txt"
./build-gpu/aezoo_bench --device cuda --batch 4096 --workloads vae,mlp_ae --repeats 2 2>&1 | tee "$OUT/bench4096.txt"
python3 benchmarks/pytorch_vae.py --device cuda --batch 4096 --repeats 2 2>&1 | tee -a "$OUT/bench4096.txt"
