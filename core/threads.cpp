#include "core/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <thread>

namespace aezoo {

int64_t default_threads() {
  const auto hw = static_cast<int64_t>(std::thread::hardware_concurrency());
  return hw > 0 ? hw : 1;
}

int64_t apply_threads(int64_t n) {
  if (n <= 0)
    n = default_threads();
  torch::set_num_threads(static_cast<int>(n));
  // LibTorch calls BLAS from inside its own parallel regions only for batched products; a
  // plain GEMM runs on OpenBLAS's pool. Keep the two pools the same width so they never
  // run n x n threads at once.
  using SetFn = void (*)(int);
  if (auto fn = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(static_cast<int>(n));
  }
  return n;
}

}  // namespace aezoo
