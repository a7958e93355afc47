#include "trainers/adam_kernel.h"

namespace aezoo::detail {

// One clone per instruction set; the loader picks the widest the CPU has.
__attribute__((target_clones("avx512f", "avx2", "default"))) void adam_kernel(
    float* __restrict p,
    const float* __restrict g,
    float* __restrict m,
    float* __restrict v,
    int64_t n,
    float b1,
    float b2,
    float one_minus_b1,
    float one_minus_b2,
    float inv_sqrt_bc2,
    float eps,
    float step_size,
    float decay,
    float param_scale) {
  for (int64_t i = 0; i < n; ++i) {
    const float pi = p[i] * param_scale;
    const float gi = g[i] + decay * pi;
    const float mi = m[i] * b1 + one_minus_b1 * gi;
    const float vi = v[i] * b2 + one_minus_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - step_size * (mi / (__builtin_sqrtf(vi) * inv_sqrt_bc2 + eps));
  }
}

}  // namespace aezoo::detail
