#pragma once
// An encoder/decoder pair built from options: the shared body of every aezoo model.
// Variants (sparse, denoising, contractive, VAE, ...) own a Network and add their terms.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/script_builder.h"
#include "models/blocks.h"

namespace aezoo {

enum class Architecture { mlp, conv };
/// Parses "mlp" | "conv"; throws std::invalid_argument otherwise.
Architecture architecture_from_string(const std::string& s);
std::string to_string(Architecture a);

struct NetworkOptions {
  NetworkOptions(std::vector<int64_t> input_shape, int64_t latent_dim)
      : input_shape_(std::move(input_shape)), latent_dim_(latent_dim) {}
  /// Shape of one example, e.g. {1, 28, 28} (conv needs {C, H, W}).
  TORCH_ARG(std::vector<int64_t>, input_shape);
  /// Size of the code h.
  TORCH_ARG(int64_t, latent_dim);
  /// mlp (fully connected) or conv (stride-2 convolutions). Default: mlp.
  TORCH_ARG(Architecture, architecture) = Architecture::mlp;
  /// MLP hidden sizes of the encoder; the decoder mirrors them. Default: {512, 256}.
  TORCH_ARG(std::vector<int64_t>, hidden) = std::vector<int64_t>{512, 256};
  /// Conv channels of the encoder; the decoder mirrors them. Default: {32, 64}.
  TORCH_ARG(std::vector<int64_t>, channels) = std::vector<int64_t>{32, 64};
  /// Conv kernel size. Default: 4.
  TORCH_ARG(int64_t, kernel_size) = 4;
  /// Hidden-layer activation. Default: relu.
  TORCH_ARG(Activation, activation) = Activation::relu;
  /// Activation applied to the code (e.g. sigmoid for KL sparsity). Default: identity.
  TORCH_ARG(Activation, code_activation) = Activation::identity;
  /// MLP only: decoder weights are the transposed encoder weights. Default: false.
  TORCH_ARG(bool, tied_weights) = false;
  /// The encoder outputs latent_dim * encoder_heads numbers (a VAE uses 2: mean and
  /// log-variance); code_activation is then not applied. Default: 1.
  TORCH_ARG(int64_t, encoder_heads) = 1;
};

class NetworkImpl : public torch::nn::Module {
 public:
  explicit NetworkImpl(NetworkOptions options);

  /// Encoder output, [N, *input_shape] -> [N, latent_dim * encoder_heads].
  torch::Tensor encode(const torch::Tensor& x);
  /// Encoder pre-activation of the code (before code_activation); equals encode() when the
  /// code activation is identity.
  torch::Tensor encode_preactivation(const torch::Tensor& x);
  /// Decoder raw output, [N, latent_dim] -> [N, *input_shape].
  torch::Tensor decode(const torch::Tensor& h);

  /// The MLP encoder (null for conv), for closed-form Jacobians of one-layer encoders.
  MLP mlp_encoder() const {
    return mlp_enc_;
  }

  /// TorchScript lines computing `out = encode(in)` / `out = decode(in)`.
  std::string script_encode(ScriptBuilder& b, const std::string& in, const std::string& out) const;
  std::string script_decode(ScriptBuilder& b, const std::string& in, const std::string& out) const;

  void pretty_print(std::ostream& stream) const override;
  /// The options as `key=value, ...` (shared by the models' pretty_print).
  std::string describe() const;

  NetworkOptions options;

 private:
  MLP mlp_enc_{nullptr};
  std::shared_ptr<MLPImpl> mlp_dec_;
  ConvEncoder conv_enc_{nullptr};
  ConvDecoder conv_dec_{nullptr};
  int64_t input_numel_ = 0;
};
TORCH_MODULE(Network);

}  // namespace aezoo
