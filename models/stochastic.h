#pragma once
// Stochastic encoder and decoder (Goodfellow et al. 2016, sec. 14.4, fig. 14.2): the encoder
// is p_encoder(h | x) = N(f(x), code_noise^2 I) (Gaussian noise injected in the code during
// training; the mean f(x) in evaluation) and the loss is -log p_decoder(x | h) for a Bernoulli,
// Gaussian or Laplace decoder. The Gaussian and Laplace decoders have a fixed scale or a
// LEARNED per-dimension scale sigma_d = min_scale + exp(scale_param_d) (learn_scale).
#include <torch/torch.h>

#include <string>

#include "models/network_model.h"

namespace aezoo {

struct StochasticOptions {
  explicit StochasticOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood; its scale is the fixed (or, with learn_scale, the initial) sigma of
  /// gaussian / b of laplace. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// Standard deviation of the Gaussian noise added to the code in training, >= 0. Default: 0.1.
  TORCH_ARG(double, code_noise) = 0.1;
  /// gaussian / laplace only: learn one scale per data dimension. Default: false.
  TORCH_ARG(bool, learn_scale) = false;
  /// learn_scale only: floor of the learned scale (keeps the NLL bounded on constant
  /// dimensions), >= 0, < the initial scale. Default: 0.001.
  TORCH_ARG(double, min_scale) = 1e-3;
};

/// Per-example negative log-likelihood, [N], of x under independent Gaussians N(mean_d,
/// scale_d^2) (kind gaussian) or Laplace(mean_d, scale_d) (kind laplace), `scale` broadcast to
/// x; summed over the non-batch dimensions, constants included.
torch::Tensor scaled_nll(LikelihoodKind kind,
                         const torch::Tensor& mean,
                         const torch::Tensor& x,
                         const torch::Tensor& scale);

class StochasticImpl : public NetworkModel {
 public:
  explicit StochasticImpl(StochasticOptions options);

  std::string type() const override {
    return "stochastic";
  }
  /// Terms {"recon": -log p_decoder(x | h), h ~ p_encoder(h | x) in training, h = f(x) in
  /// evaluation}; metric "decoder_scale" (mean learned scale) with learn_scale.
  ModelOutput compute(const torch::Tensor& x) override;
  /// Per-example -log p_decoder(x | decoder output `out`), [N], with the current scale.
  torch::Tensor decoder_nll(const torch::Tensor& out, const torch::Tensor& x) const;
  /// The decoder's scale per data dimension, [*input_shape] (sigma or b; learned or fixed).
  /// Undefined for bernoulli.
  torch::Tensor decoder_scale() const;
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  /// learn_scale: sigma_d = min_scale + exp(scale_param_d), [*input_shape]; else undefined.
  torch::Tensor scale_param;
  StochasticOptions options;
};
TORCH_MODULE(Stochastic);

}  // namespace aezoo
