#pragma once
// Linear probe: multinomial logistic regression on the frozen codes of a trained model, the
// usual measure of how linearly useful a representation is. Deterministic: the codes are
// standardised with the training split's mean and standard deviation, the weights start at
// zero and full-batch L-BFGS (strong Wolfe line search) minimises the mean cross-entropy plus
// an L2 penalty, in double precision; nothing is random.
#include <torch/torch.h>

#include <cstdint>

#include "models/model.h"

namespace aezoo {

struct ProbeOptions {
  /// L2 penalty 0.5 * l2 * ||W||^2 on the weights (not the biases), >= 0. Default: 1e-4.
  double l2 = 1e-4;
  /// L-BFGS iterations, >= 1. Default: 200.
  int64_t max_iterations = 200;
  /// Examples per encoder pass, >= 1. Default: 1000.
  int64_t batch_size = 1000;
};

/// model.encode(x) in evaluation mode without autograd, in batches, returned on the CPU as
/// float64 [N, code_dim]. The model's training flag is restored.
torch::Tensor encode_all(AutoencoderBase& model, const torch::Tensor& x, int64_t batch_size);

/// Trains the probe on the codes of (train_x, train_y) and returns its accuracy on
/// (test_x, test_y). Labels are integer tensors [N] with values in [0, num_classes).
double linear_probe_accuracy(AutoencoderBase& model,
                             const torch::Tensor& train_x,
                             const torch::Tensor& train_y,
                             const torch::Tensor& test_x,
                             const torch::Tensor& test_y,
                             int64_t num_classes,
                             const ProbeOptions& options = {});

}  // namespace aezoo
