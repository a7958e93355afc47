#pragma once
// Reusable encoder/decoder blocks: a multilayer perceptron (optionally tied to another MLP's
// transposed weights) and a convolutional encoder/decoder pair for images. Every block can
// write itself as TorchScript for export.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/script_builder.h"

namespace aezoo {

enum class Activation { identity, relu, sigmoid, tanh, softplus, elu, leaky_relu };

/// Parses "identity" | "relu" | "sigmoid" | "tanh" | "softplus" | "elu" | "leaky_relu";
/// throws std::invalid_argument listing the known names otherwise.
Activation activation_from_string(const std::string& s);
std::string to_string(Activation a);
/// The names accepted by activation_from_string.
std::vector<std::string> activation_names();

/// s(a) elementwise.
torch::Tensor apply_activation(Activation a, const torch::Tensor& pre);
/// s'(a) elementwise (used by closed-form Jacobian penalties). leaky_relu slope: 0.01.
torch::Tensor activation_derivative(Activation a, const torch::Tensor& pre);
/// sum_j x[i, j]^2 for a 2-D x, shape [N]: the same value as x.square().sum(1), with a
/// backward of one pass over x (2 g_i x_ij) where LibTorch 1.13's pow backward makes three
/// (measured: most of the contractive closed-form penalty's cost). Its backward is made of
/// differentiable tensor ops, so create_graph works through it.
torch::Tensor row_sum_squares(const torch::Tensor& x);
/// TorchScript expression computing s(var).
std::string script_activation(Activation a, const std::string& var);

struct MLPOptions {
  MLPOptions(int64_t in_features, std::vector<int64_t> hidden, int64_t out_features)
      : in_features_(in_features), hidden_(std::move(hidden)), out_features_(out_features) {}
  /// Input size (inputs are flattened after the batch dimension).
  TORCH_ARG(int64_t, in_features);
  /// Hidden layer sizes, in order; may be empty (one affine layer).
  TORCH_ARG(std::vector<int64_t>, hidden);
  /// Output size.
  TORCH_ARG(int64_t, out_features);
  /// Activation after every hidden layer. Default: relu.
  TORCH_ARG(Activation, activation) = Activation::relu;
  /// Activation after the last layer. Default: identity.
  TORCH_ARG(Activation, output_activation) = Activation::identity;
};

/// y = s_out(W_L ... s(W_1 x + b_1) ... + b_L). Parameters: `weight<i>`, `bias<i>`.
class MLPImpl : public torch::nn::Module {
 public:
  explicit MLPImpl(MLPOptions options);
  /// A decoder whose weights are the transposed weights of `encoder`, in reverse order (tied
  /// weights); only the biases are its own. `encoder` must outlive this module.
  static std::shared_ptr<MLPImpl> tied(const MLPImpl& encoder,
                                       Activation activation,
                                       Activation output_activation);

  /// [N, ...] -> [N, out_features].
  torch::Tensor forward(const torch::Tensor& x);
  /// Pre-activations of the first layer, W_1 x + b_1 (for closed-form Jacobians).
  torch::Tensor first_preactivation(const torch::Tensor& x) const;

  int64_t num_layers() const {
    return static_cast<int64_t>(biases_.size());
  }
  /// Effective weight of layer i, [out, in] (for tied decoders the transposed encoder weight).
  torch::Tensor weight(int64_t i) const;
  const torch::Tensor& bias(int64_t i) const {
    return biases_.at(i);
  }
  bool is_tied() const {
    return tied_;
  }

  /// Writes lines (4-space indented) that compute `out = this(in)`; tensors are registered
  /// under `prefix`.
  std::string script(ScriptBuilder& b,
                     const std::string& prefix,
                     const std::string& in,
                     const std::string& out) const;

  void pretty_print(std::ostream& stream) const override;

  MLPOptions options;

 private:
  MLPImpl(MLPOptions options, bool tied);
  bool tied_ = false;
  std::vector<torch::Tensor> weights_;  // untied: own [out, in]; tied: encoder's [in, out]
  std::vector<torch::Tensor> biases_;
};
TORCH_MODULE(MLP);

struct ConvEncoderOptions {
  ConvEncoderOptions(std::vector<int64_t> input_shape,
                     std::vector<int64_t> channels,
                     int64_t out_features)
      : input_shape_(std::move(input_shape)),
        channels_(std::move(channels)),
        out_features_(out_features) {}
  /// {C, H, W} of one image.
  TORCH_ARG(std::vector<int64_t>, input_shape);
  /// Output channels of each stride-2 convolution. Default in configs: {32, 64}.
  TORCH_ARG(std::vector<int64_t>, channels);
  /// Size of the final linear layer's output.
  TORCH_ARG(int64_t, out_features);
  /// Kernel size of every convolution. Default: 4.
  TORCH_ARG(int64_t, kernel_size) = 4;
  /// Activation after every convolution. Default: relu.
  TORCH_ARG(Activation, activation) = Activation::relu;
};

/// Stride-2 convolutions (padding (k-2)/2... chosen so each halves H and W), then a linear
/// layer to `out_features`.
class ConvEncoderImpl : public torch::nn::Module {
 public:
  explicit ConvEncoderImpl(ConvEncoderOptions options);
  torch::Tensor forward(const torch::Tensor& x);
  /// {C, H, W} after the last convolution.
  std::vector<int64_t> feature_shape() const {
    return feature_shape_;
  }
  /// Spatial sizes {H, W} at the input of each convolution, then after the last.
  const std::vector<std::pair<int64_t, int64_t>>& spatial_sizes() const {
    return spatial_;
  }
  int64_t padding() const {
    return padding_;
  }
  std::string script(ScriptBuilder& b,
                     const std::string& prefix,
                     const std::string& in,
                     const std::string& out) const;
  void pretty_print(std::ostream& stream) const override;

  ConvEncoderOptions options;

 private:
  std::vector<torch::nn::Conv2d> convs_;
  torch::nn::Linear fc_{nullptr};
  std::vector<int64_t> feature_shape_;
  std::vector<std::pair<int64_t, int64_t>> spatial_;
  int64_t padding_ = 1;
};
TORCH_MODULE(ConvEncoder);

/// Mirror of a ConvEncoder: linear layer, then stride-2 transposed convolutions back to
/// exactly the encoder's input shape. The last layer has no activation (raw decoder output).
class ConvDecoderImpl : public torch::nn::Module {
 public:
  /// Builds the mirror of `encoder` taking a code of `in_features`.
  ConvDecoderImpl(const ConvEncoderImpl& encoder, int64_t in_features);
  torch::Tensor forward(const torch::Tensor& h);
  std::string script(ScriptBuilder& b,
                     const std::string& prefix,
                     const std::string& in,
                     const std::string& out) const;
  void pretty_print(std::ostream& stream) const override;

 private:
  torch::nn::Linear fc_{nullptr};
  std::vector<torch::nn::ConvTranspose2d> deconvs_;
  std::vector<std::vector<int64_t>> output_padding_;  // {h, w} per layer
  std::vector<int64_t> feature_shape_;
  int64_t stride_ = 2, padding_ = 1, kernel_size_ = 4;
  Activation activation_;
};
TORCH_MODULE(ConvDecoder);

}  // namespace aezoo
