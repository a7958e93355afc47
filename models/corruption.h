#pragma once
// Corruption processes C(x~ | x) of denoising autoencoders (Vincent et al. 2010, sec. 4.2;
// Goodfellow et al. 2016, sec. 14.2.2). Each process is switched off by a zero amount; the
// enabled ones compose in a fixed order: masking, then salt-and-pepper, then additive
// Gaussian noise. All randomness comes from the global torch generator (seeded and
// checkpointed by the trainer).
#include <torch/torch.h>

#include <string>

namespace aezoo {

struct CorruptionOptions {
  /// Standard deviation of additive Gaussian noise x + sigma * eps, >= 0 (0 = off). Default: 0.
  TORCH_ARG(double, gaussian_sigma) = 0.0;
  /// Masking noise: each component is set to 0 with probability p, in [0, 1) (0 = off).
  /// Default: 0.
  TORCH_ARG(double, masking_p) = 0.0;
  /// Salt-and-pepper noise: each component is replaced with probability p, in [0, 1], by 0 or
  /// 1 (each with probability 1/2; data in [0, 1]) (0 = off). Default: 0.
  TORCH_ARG(double, salt_pepper_p) = 0.0;
};

/// Throws c10::Error when an amount is out of range.
void check_corruption(const CorruptionOptions& options);
/// True when at least one process is enabled.
bool any_corruption(const CorruptionOptions& options);
/// True when Gaussian noise is the only enabled process (then a DAE estimates the score).
bool gaussian_only(const CorruptionOptions& options);

/// A sample x~ ~ C(x~ | x), same shape and dtype as x. Not differentiable w.r.t. x's mask.
torch::Tensor corrupt(const CorruptionOptions& options, const torch::Tensor& x);

/// `gaussian_sigma=..., masking_p=..., salt_pepper_p=...` (the YAML keys).
std::string describe(const CorruptionOptions& options);

}  // namespace aezoo
