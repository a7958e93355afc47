#pragma once
// Autoencoder with dropout on the hidden code (slide "Regularized Autoencoders"; Srivastava
// et al. 2014): in training each code unit is zeroed with probability p and the survivors
// are scaled by 1 / (1 - p) (inverted dropout, so the code's expectation is unchanged); in
// evaluation the code passes unchanged. Loss -log p_decoder(x | dropout(f(x))).
#include <torch/torch.h>

#include <string>

#include "models/network_model.h"

namespace aezoo {

struct DropoutAEOptions {
  explicit DropoutAEOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// Probability of zeroing a code unit in training, in [0, 1). Default: 0.2.
  TORCH_ARG(double, p) = 0.2;
};

class DropoutAEImpl : public NetworkModel {
 public:
  explicit DropoutAEImpl(DropoutAEOptions options);

  std::string type() const override {
    return "dropout";
  }
  /// Terms {"recon"}; `code` is the code after dropout. Metric "dropped_fraction" (fraction of
  /// code units zeroed in this batch; 0 in evaluation).
  ModelOutput compute(const torch::Tensor& x) override;
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  DropoutAEOptions options;
};
TORCH_MODULE(DropoutAE);

}  // namespace aezoo
