#pragma once
// Denoising autoencoders (Vincent et al. 2008; Goodfellow et al. 2016, sec. 14.2.2): sample a
// corrupted x~ ~ C(x~ | x) (models/corruption.h), then minimise -log p_decoder(x | f(x~)) with
// the CLEAN x as the target. In evaluation mode no corruption is applied.
//
// With Gaussian corruption of small sigma the reconstruction estimates the score:
// r(x) - x ~ sigma^2 * d log p(x) / dx (Alain & Bengio 2014, sec. 3, Theorem 1), so the model
// (and its TorchScript export) has score(x) = (r(x) - x) / sigma^2 when Gaussian noise is the
// only corruption.
#include <torch/torch.h>

#include <string>

#include "models/corruption.h"
#include "models/network_model.h"

namespace aezoo {

struct DenoisingOptions {
  explicit DenoisingOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// The corruption process; at least one part must be enabled. Default: Gaussian noise with
  /// gaussian_sigma 0.3, no masking, no salt-and-pepper.
  TORCH_ARG(CorruptionOptions, corruption) = CorruptionOptions().gaussian_sigma(0.3);
};

class DenoisingImpl : public NetworkModel {
 public:
  explicit DenoisingImpl(DenoisingOptions options);

  std::string type() const override {
    return "denoising";
  }
  /// Training: {"recon": -log p(x | g(f(x~)))}, x~ ~ C(x~ | x). Evaluation: the clean
  /// reconstruction -log p(x | g(f(x))).
  ModelOutput compute(const torch::Tensor& x) override;
  /// {"recon_clean": -log p(x | g(f(x))), "recon_corrupted": -log p(x | g(f(x~)))}, nats per
  /// example.
  std::vector<NamedScalar> evaluation_metrics(const torch::Tensor& x) override;
  /// True when Gaussian noise is the only corruption (then score() is defined).
  bool has_score() const override {
    return gaussian_only(options.corruption());
  }
  /// Score estimate (r(x) - x) / sigma^2 (Alain & Bengio 2014); needs Gaussian-only
  /// corruption.
  torch::Tensor score(const torch::Tensor& x) override;
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  DenoisingOptions options;
};
TORCH_MODULE(Denoising);

}  // namespace aezoo
