#pragma once
// Undercomplete autoencoders (Goodfellow et al. 2016, sec. 14.1): h = f(x), r = g(h), trained
// to minimise -log p_decoder(x | h). Three registry types share this class:
//   autoencoder         deep MLP encoder/decoder
//   linear_autoencoder  linear f and g (with a Gaussian decoder it spans the PCA subspace)
//   conv_autoencoder    stride-2 convolutional encoder/decoder for images
#include <torch/torch.h>

#include <string>

#include "models/network_model.h"

namespace aezoo {

struct AutoencoderOptions {
  explicit AutoencoderOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// Registry name reported by type(). Default: "autoencoder".
  TORCH_ARG(std::string, type) = "autoencoder";
};

class AutoencoderImpl : public NetworkModel {
 public:
  explicit AutoencoderImpl(AutoencoderOptions options);

  std::string type() const override {
    return options.type();
  }
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  AutoencoderOptions options;
};
TORCH_MODULE(Autoencoder);

/// Writes `encode` and `decode` methods for a model whose code is network->encode(x) and
/// whose decoder is network->decode(h) followed by the likelihood's mean. Most variants
/// export through this.
void export_network(ScriptBuilder& builder, const NetworkImpl& network, const Likelihood& lik);

}  // namespace aezoo
