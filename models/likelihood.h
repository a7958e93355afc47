#pragma once
// Decoder likelihoods p_decoder(x | h). Normalisation convention used everywhere in aezoo:
// every loss term is computed PER EXAMPLE (summed over the data dimensions) and then
// AVERAGED OVER THE BATCH. NLLs include their constants, so they are true negative
// log-likelihoods in nats.
#include <torch/torch.h>

#include <string>

namespace aezoo {

enum class LikelihoodKind {
  /// Bernoulli on logits: -log p = sum_d BCE(sigmoid(l_d), x_d). Data in [0, 1].
  bernoulli,
  /// Gaussian with fixed sigma: sum_d (x_d - mu_d)^2 / (2 sigma^2) + log(2 pi sigma^2) / 2.
  gaussian,
  /// Laplace with fixed scale b: sum_d |x_d - mu_d| / b + log(2 b).
  laplace,
};

/// Parses "bernoulli" | "gaussian" | "laplace"; throws std::invalid_argument otherwise.
LikelihoodKind likelihood_from_string(const std::string& s);
std::string to_string(LikelihoodKind k);

struct LikelihoodOptions {
  /// Which likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodKind, kind) = LikelihoodKind::bernoulli;
  /// Standard deviation (gaussian) or scale (laplace); unused by bernoulli. Default: 1.
  TORCH_ARG(double, scale) = 1.0;
};

/// A decoder likelihood. `out` is the decoder's raw output (logits for bernoulli, the mean
/// otherwise), with the same shape as the data.
class Likelihood {
 public:
  explicit Likelihood(LikelihoodOptions options = {});
  /// Per-example negative log-likelihood, shape [N] (summed over all non-batch dimensions).
  torch::Tensor nll(const torch::Tensor& out, const torch::Tensor& x) const;
  /// The mean of p(x | h) in data space.
  torch::Tensor mean(const torch::Tensor& out) const;
  /// TorchScript expression for `mean` applied to the variable `var`.
  std::string script_mean(const std::string& var) const;
  const LikelihoodOptions& options() const {
    return options_;
  }

 private:
  LikelihoodOptions options_;
};

}  // namespace aezoo
