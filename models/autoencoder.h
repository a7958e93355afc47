#pragma once
// Undercomplete autoencoders (Goodfellow et al. 2016, sec. 14.1): h = f(x), r = g(h), trained
// to minimise -log p_decoder(x | h). Three registry types share this class:
//   autoencoder         deep MLP encoder/decoder
//   linear_autoencoder  linear f and g (with a Gaussian decoder it spans the PCA subspace)
//   conv_autoencoder    stride-2 convolutional encoder/decoder for images
#include <torch/torch.h>

#include <string>

#include "models/model.h"
#include "models/network.h"

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

class AutoencoderImpl : public AutoencoderBase {
 public:
  explicit AutoencoderImpl(AutoencoderOptions options);

  std::string type() const override {
    return options.type();
  }
  int64_t code_dim() const override {
    return options.network().latent_dim();
  }
  std::vector<int64_t> input_shape() const override {
    return options.network().input_shape();
  }
  const Likelihood& likelihood() const override {
    return likelihood_;
  }
  torch::Tensor encode(const torch::Tensor& x) override;
  torch::Tensor decode_raw(const torch::Tensor& h) override;
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  Network network{nullptr};
  AutoencoderOptions options;

 private:
  Likelihood likelihood_;
};
TORCH_MODULE(Autoencoder);

/// Writes `encode` and `decode` methods for a model whose code is network->encode(x) and
/// whose decoder is network->decode(h) followed by the likelihood's mean. Most variants
/// export through this.
void export_network(ScriptBuilder& builder, const NetworkImpl& network, const Likelihood& lik);

}  // namespace aezoo
