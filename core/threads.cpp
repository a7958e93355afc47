#include "core/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

namespace aezoo {

// Measured on this machine kind (2 cores, Debian bookworm, LibTorch 1.13.1, OpenBLAS 0.3.21
// pthread) on 2026-11-27 with a stand-alone program (not in the repository): MLP
// 784-400-20-400-784 with ReLU, BCE-with-logits loss, Adam 1e-3, batch 128 drawn by
// index_select from random [60000, 784] data in memory; 20 warm-up steps, then 300 timed
// steps (60 for the 2-thread LibTorch runs, which were too slow for more). Every setting ran
// 6-7 times, the settings interleaved. The machine was SHARED with three other engineers
// compiling (load average 2 to 7 on 2 cores), so the numbers are noisy; medians, ms per step:
//
//   LibTorch threads  OpenBLAS threads                 median   range
//   1                 1 (openblas_set_num_threads)       24.6   9.9 - 48.2
//   1                 2 (openblas_set_num_threads)       69.6   9.3 - 85.6
//   1                 1 (OPENBLAS_NUM_THREADS=1)          35.4  10.0 - 46.5
//   1                 2 (OPENBLAS_NUM_THREADS=2)          79.7   9.4 - 112.4
//   2                 1 (openblas_set_num_threads)      491.4  89.9 - 740.5
//   2                 2 (openblas_set_num_threads)      412.7 241.1 - 1368.7
//   2                 1 (OPENBLAS_NUM_THREADS=1)         247.2  37.9 - 480.8
//   2                 2 (OPENBLAS_NUM_THREADS=2)         384.3 117.5 - 491.6
//
// Two LibTorch (OpenMP) threads were 10x to 50x slower in every combination: its spinning
// barriers collapse as soon as the two cores are not both free. Two OpenBLAS threads won by
// about 6% only in the quietest runs (9.3-9.5 vs 9.9-10.3 ms at load ~2) and lost 2-3x under
// load. The setter and the environment variable behave alike. So the default is one thread
// for both pools. This was not measured on bigger machines: set trainer.threads there.
int64_t default_threads() {
  return 1;
}

int64_t apply_threads(int64_t n, int64_t blas_n) {
  if (n <= 0)
    n = default_threads();
  if (blas_n <= 0)
    blas_n = n;
  torch::set_num_threads(static_cast<int>(n));
  // LibTorch calls BLAS from inside its own parallel regions only for batched products; a
  // plain GEMM runs on OpenBLAS's pool. By default the two pools have the same width so
  // they never run n x n threads at once.
  using SetFn = void (*)(int);
  if (auto fn = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(static_cast<int>(blas_n));
  }
  return n;
}

int64_t blas_threads() {
  using GetFn = int (*)();
  if (auto fn = reinterpret_cast<GetFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
    return fn();
  return 0;
}

}  // namespace aezoo
