#pragma once
// Adam and AdamW with a fused CPU step: one pass over each parameter's elements updates the
// two moments and the parameter together, vectorised and split over threads, instead of the
// six separate tensor operations (each allocating and sweeping memory) of
// torch::optim::Adam::step in LibTorch 1.13 (DESIGN.md: 1.18 s of a 3.5 s epoch).
//
// The update is Kingma & Ba 2015, Algorithm 1, in PyTorch's arrangement:
//   g  <- grad + weight_decay * p            (Adam's L2 term; AdamW instead p *= 1 - lr*wd)
//   m  <- beta1 m + (1 - beta1) g
//   v  <- beta2 v + (1 - beta2) g^2
//   p  <- p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// State and serialisation are those of the base classes (AdamParamState / AdamWParamState),
// so checkpoints are interchangeable with torch::optim::Adam / AdamW. Parameters that are
// not contiguous float32 CPU tensors, and amsgrad, take the base class's path.
#include <torch/torch.h>

namespace aezoo {

class FusedAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

/// The fused element loop (exposed for tests and benchmarks). Updates n elements of p, m, v
/// in place given the gradient g. `decay` is Adam's L2 weight decay (added to g);
/// `param_scale` multiplies p first (AdamW's 1 - lr * weight_decay; 1 for Adam).
void fused_adam_update(float* p,
                       const float* g,
                       float* m,
                       float* v,
                       int64_t n,
                       double lr,
                       double beta1,
                       double beta2,
                       double eps,
                       double decay,
                       double param_scale,
                       int64_t step);

}  // namespace aezoo
