#pragma once
// The element loop of the fused Adam step (trainers/fused_adam.h), in a translation unit of
// its own that does not include LibTorch: it is compiled with -O3 (vectorised), without
// errno for sqrt (with errno GCC keeps the loop scalar with a branch per element) and without
// FMA contraction (so every instruction set gives the same bits as the scalar formula).
#include <cstdint>

namespace aezoo::detail {

/// For i in [0, n): g' = g + decay * p', p' = param_scale * p,
/// m = b1 m + (1 - b1) g', v = b2 v + (1 - b2) g'^2,
/// p = p' - step_size * m / (sqrt(v) * inv_sqrt_bc2 + eps).
void adam_kernel(float* __restrict p,
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
                 float param_scale);

}  // namespace aezoo::detail
