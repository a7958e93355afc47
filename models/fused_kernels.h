#pragma once
// Element loops of fused loss kernels, in a translation unit that includes no LibTorch header
// (compiled -O3 without errno and without FMA contraction, one clone per instruction set, so
// GCC vectorises them). The tensor-level entry points and their autograd are in
// models/likelihood.cpp.
#include <cstdint>

namespace aezoo::detail {

/// Bernoulli negative log-likelihood on logits, summed over each row:
/// out[r] = sum_c softplus(l[r, c]) - x[r, c] l[r, c]
///        = sum_c max(l, 0) - x l + log1p(exp(-|l|)).
/// `l` and `x` are row-major [rows, cols]. NaN logits give NaN rows.
void bernoulli_nll_rows(const float* l, const float* x, int64_t rows, int64_t cols, float* out);

/// Its gradient with respect to the logits: grad[r, c] = g[r] (sigmoid(l[r, c]) - x[r, c]).
void bernoulli_nll_grad(
    const float* l, const float* x, const float* g, int64_t rows, int64_t cols, float* grad);

/// exp(a) for a float array (tests): the vectorisable exp both kernels use, relative error
/// within a few ulp on [-87, 88], inputs clamped to that range, NaN kept.
void fused_exp(const float* a, int64_t n, float* out);

}  // namespace aezoo::detail
