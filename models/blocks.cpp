#include "models/blocks.h"

#include <stdexcept>

namespace aezoo {

namespace {
constexpr double kLeakySlope = 0.01;

const std::vector<std::pair<std::string, Activation>>& activation_table() {
  static const std::vector<std::pair<std::string, Activation>> table = {
      {"identity", Activation::identity},
      {"relu", Activation::relu},
      {"sigmoid", Activation::sigmoid},
      {"tanh", Activation::tanh},
      {"softplus", Activation::softplus},
      {"elu", Activation::elu},
      {"leaky_relu", Activation::leaky_relu},
  };
  return table;
}

void print_list(std::ostream& s, const std::vector<int64_t>& v) {
  s << "[";
  for (size_t i = 0; i < v.size(); ++i)
    s << (i ? ", " : "") << v[i];
  s << "]";
}
}  // namespace

Activation activation_from_string(const std::string& s) {
  for (const auto& [name, a] : activation_table()) {
    if (name == s)
      return a;
  }
  std::string known;
  for (const auto& n : activation_names())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown activation '" + s + "' (known: " + known + ")");
}

std::vector<std::string> activation_names() {
  std::vector<std::string> out;
  for (const auto& kv : activation_table())
    out.push_back(kv.first);
  return out;
}

std::string to_string(Activation a) {
  for (const auto& [name, b] : activation_table()) {
    if (a == b)
      return name;
  }
  return "?";
}

torch::Tensor apply_activation(Activation a, const torch::Tensor& x) {
  switch (a) {
    case Activation::identity:
      return x;
    case Activation::relu:
      return torch::relu(x);
    case Activation::sigmoid:
      return torch::sigmoid(x);
    case Activation::tanh:
      return torch::tanh(x);
    case Activation::softplus:
      return torch::softplus(x);
    case Activation::elu:
      return torch::elu(x);
    case Activation::leaky_relu:
      return torch::leaky_relu(x, kLeakySlope);
  }
  TORCH_CHECK(false, "unreachable");
}

namespace {
struct RowSumSquares : public torch::autograd::Function<RowSumSquares> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    ctx->save_for_backward({x});
    return (x * x).sum(1);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto x = ctx->get_saved_variables()[0];
    return {x * (2.0 * grads[0]).unsqueeze(1)};
  }
};
}  // namespace

torch::Tensor row_sum_squares(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2, "row_sum_squares needs a 2-D tensor, got ", x.dim(), " dimensions");
  return RowSumSquares::apply(x);
}

torch::Tensor activation_derivative(Activation a, const torch::Tensor& x) {
  switch (a) {
    case Activation::identity:
      return torch::ones_like(x);
    case Activation::relu:
      return (x > 0).to(x.dtype());
    case Activation::sigmoid: {
      auto s = torch::sigmoid(x);
      return s * (1 - s);
    }
    case Activation::tanh:
      return 1 - torch::tanh(x).square();
    case Activation::softplus:
      return torch::sigmoid(x);
    case Activation::elu:
      return torch::where(x > 0, torch::ones_like(x), torch::exp(x));
    case Activation::leaky_relu:
      return torch::where(x > 0, torch::ones_like(x), torch::full_like(x, kLeakySlope));
  }
  TORCH_CHECK(false, "unreachable");
}

std::string script_activation(Activation a, const std::string& v) {
  // Only aten builtins resolve in C++ `define`; torch.nn.functional does not.
  switch (a) {
    case Activation::identity:
      return v;
    case Activation::relu:
      return "torch.relu(" + v + ")";
    case Activation::sigmoid:
      return "torch.sigmoid(" + v + ")";
    case Activation::tanh:
      return "torch.tanh(" + v + ")";
    case Activation::softplus:
      return "torch.where(" + v + " > 20.0, " + v + ", torch.log1p(torch.exp(" + v + ")))";
    case Activation::elu:
      return "torch.where(" + v + " > 0.0, " + v + ", torch.expm1(" + v + "))";
    case Activation::leaky_relu:
      return "torch.where(" + v + " > 0.0, " + v + ", " + v + " * " + script_float(kLeakySlope) +
             ")";
  }
  TORCH_CHECK(false, "unreachable");
}

// ---------------------------------------------------------------------------------------------
// MLP

MLPImpl::MLPImpl(MLPOptions options_) : MLPImpl(std::move(options_), false) {}

MLPImpl::MLPImpl(MLPOptions options_, bool tied) : options(std::move(options_)), tied_(tied) {
  TORCH_CHECK(
      options.in_features() > 0, "in_features must be positive, got ", options.in_features());
  TORCH_CHECK(
      options.out_features() > 0, "out_features must be positive, got ", options.out_features());
  for (auto h : options.hidden())
    TORCH_CHECK(h > 0, "hidden sizes must be positive, got ", h);
  if (tied_)
    return;  // weights are filled in by tied()
  std::vector<int64_t> sizes = {options.in_features()};
  sizes.insert(sizes.end(), options.hidden().begin(), options.hidden().end());
  sizes.push_back(options.out_features());
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    // Same initialisation as torch::nn::Linear (Kaiming-uniform a=sqrt(5)).
    torch::nn::Linear init(torch::nn::LinearOptions(sizes[i], sizes[i + 1]));
    weights_.push_back(register_parameter("weight" + std::to_string(i), init->weight.detach()));
    biases_.push_back(register_parameter("bias" + std::to_string(i), init->bias.detach()));
  }
}

std::shared_ptr<MLPImpl> MLPImpl::tied(const MLPImpl& enc,
                                       Activation activation,
                                       Activation output_activation) {
  TORCH_CHECK(!enc.is_tied(), "cannot tie to an MLP that is itself tied");
  std::vector<int64_t> hidden(enc.options.hidden().rbegin(), enc.options.hidden().rend());
  auto opts = MLPOptions(enc.options.out_features(), hidden, enc.options.in_features())
                  .activation(activation)
                  .output_activation(output_activation);
  std::shared_ptr<MLPImpl> dec(new MLPImpl(opts, true));
  const int64_t L = enc.num_layers();
  for (int64_t i = 0; i < L; ++i) {
    const auto& w = enc.weights_[L - 1 - i];  // [out_e, in_e]; decoder layer i maps out_e->in_e
    dec->weights_.push_back(w);
    dec->biases_.push_back(
        dec->register_parameter("bias" + std::to_string(i), torch::zeros({w.size(1)})));
  }
  return dec;
}

torch::Tensor MLPImpl::weight(int64_t i) const {
  return tied_ ? weights_.at(i).t() : weights_.at(i);
}

torch::Tensor MLPImpl::first_preactivation(const torch::Tensor& x) const {
  auto flat = x.reshape({x.size(0), -1});
  return tied_ ? torch::addmm(biases_[0], flat, weights_[0])
               : torch::addmm(biases_[0], flat, weights_[0].t());
}

torch::Tensor MLPImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() >= 2, "MLP expects [N, ...] input, got shape ", x.sizes());
  auto h = x.reshape({x.size(0), -1});
  TORCH_CHECK(h.size(1) == options.in_features(),
              "MLP expects ",
              options.in_features(),
              " features per example, got ",
              h.size(1));
  const int64_t L = num_layers();
  for (int64_t i = 0; i < L; ++i) {
    h = tied_ ? torch::addmm(biases_[i], h, weights_[i])
              : torch::addmm(biases_[i], h, weights_[i].t());
    h = apply_activation(i + 1 < L ? options.activation() : options.output_activation(), h);
  }
  return h;
}

std::string MLPImpl::script(ScriptBuilder& b,
                            const std::string& prefix,
                            const std::string& in,
                            const std::string& out) const {
  std::string src = "    " + out + " = " + in + ".reshape([" + in + ".size(0), -1])\n";
  const int64_t L = num_layers();
  for (int64_t i = 0; i < L; ++i) {
    // Store W^T so that the product is a plain addmm(b, h, W^T).
    auto wt = b.tensor(prefix + "weight" + std::to_string(i) + "_t", weight(i).t());
    auto bias = b.tensor(prefix + "bias" + std::to_string(i), biases_[i]);
    src += "    " + out + " = torch.addmm(" + bias + ", " + out + ", " + wt + ")\n";
    auto act = i + 1 < L ? options.activation() : options.output_activation();
    if (act != Activation::identity) {
      src += "    " + out + " = " + script_activation(act, out) + "\n";
    }
  }
  return src;
}

void MLPImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::MLP(in_features=" << options.in_features() << ", hidden=";
  print_list(s, options.hidden());
  s << ", out_features=" << options.out_features()
    << ", activation=" << to_string(options.activation())
    << ", output_activation=" << to_string(options.output_activation())
    << ", tied=" << (tied_ ? "true" : "false") << ")";
}

// ---------------------------------------------------------------------------------------------
// Convolutional pair

ConvEncoderImpl::ConvEncoderImpl(ConvEncoderOptions options_) : options(std::move(options_)) {
  const auto& in = options.input_shape();
  TORCH_CHECK(
      in.size() == 3, "ConvEncoder expects input_shape {C, H, W}, got ", in.size(), " dimensions");
  TORCH_CHECK(!options.channels().empty(), "ConvEncoder needs at least one channel count");
  TORCH_CHECK(
      options.kernel_size() >= 2, "kernel_size must be at least 2, got ", options.kernel_size());
  TORCH_CHECK(options.out_features() > 0, "out_features must be positive");
  const int64_t k = options.kernel_size();
  padding_ = (k - 1) / 2;
  int64_t c = in[0], h = in[1], w = in[2];
  spatial_.emplace_back(h, w);
  for (size_t i = 0; i < options.channels().size(); ++i) {
    const int64_t oc = options.channels()[i];
    TORCH_CHECK(oc > 0, "channels must be positive, got ", oc);
    convs_.push_back(register_module(
        "conv" + std::to_string(i),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(c, oc, k).stride(2).padding(padding_))));
    h = (h + 2 * padding_ - k) / 2 + 1;
    w = (w + 2 * padding_ - k) / 2 + 1;
    TORCH_CHECK(h > 0 && w > 0,
                "input ",
                in[1],
                "x",
                in[2],
                " is too small for ",
                options.channels().size(),
                " stride-2 convolutions");
    spatial_.emplace_back(h, w);
    c = oc;
  }
  feature_shape_ = {c, h, w};
  fc_ = register_module("fc", torch::nn::Linear(c * h * w, options.out_features()));
}

torch::Tensor ConvEncoderImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4, "ConvEncoder expects [N, C, H, W], got shape ", x.sizes());
  auto h = x;
  for (auto& conv : convs_)
    h = apply_activation(options.activation(), conv->forward(h));
  return fc_->forward(h.flatten(1));
}

std::string ConvEncoderImpl::script(ScriptBuilder& b,
                                    const std::string& prefix,
                                    const std::string& in,
                                    const std::string& out) const {
  std::string src = "    " + out + " = " + in + "\n";
  const std::string geo = "[2, 2], " + script_int_list({padding_, padding_}) + ", [1, 1], 1";
  for (size_t i = 0; i < convs_.size(); ++i) {
    auto w = b.tensor(prefix + "conv" + std::to_string(i) + "_weight", convs_[i]->weight);
    auto bias = b.tensor(prefix + "conv" + std::to_string(i) + "_bias", convs_[i]->bias);
    src += "    " + out + " = torch.conv2d(" + out + ", " + w + ", " + bias + ", " + geo + ")\n";
    src += "    " + out + " = " + script_activation(options.activation(), out) + "\n";
  }
  auto wt = b.tensor(prefix + "fc_weight_t", fc_->weight.t());
  auto bias = b.tensor(prefix + "fc_bias", fc_->bias);
  src += "    " + out + " = torch.addmm(" + bias + ", " + out + ".flatten(1), " + wt + ")\n";
  return src;
}

void ConvEncoderImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::ConvEncoder(input_shape=";
  print_list(s, options.input_shape());
  s << ", channels=";
  print_list(s, options.channels());
  s << ", out_features=" << options.out_features() << ", kernel_size=" << options.kernel_size()
    << ", activation=" << to_string(options.activation()) << ")";
}

ConvDecoderImpl::ConvDecoderImpl(const ConvEncoderImpl& enc, int64_t in_features)
    : feature_shape_(enc.feature_shape()),
      padding_(enc.padding()),
      kernel_size_(enc.options.kernel_size()),
      activation_(enc.options.activation()) {
  const auto& fs = feature_shape_;
  fc_ = register_module("fc", torch::nn::Linear(in_features, fs[0] * fs[1] * fs[2]));
  const auto& ch = enc.options.channels();
  const auto& sp = enc.spatial_sizes();
  const int64_t n = static_cast<int64_t>(ch.size());
  for (int64_t i = n - 1; i >= 0; --i) {
    const int64_t in_c = ch[i];
    const int64_t out_c = i == 0 ? enc.options.input_shape()[0] : ch[i - 1];
    const auto [h_small, w_small] = sp[i + 1];
    const auto [h_big, w_big] = sp[i];
    const int64_t base_h = (h_small - 1) * stride_ - 2 * padding_ + kernel_size_;
    const int64_t base_w = (w_small - 1) * stride_ - 2 * padding_ + kernel_size_;
    const int64_t op_h = h_big - base_h, op_w = w_big - base_w;
    TORCH_CHECK(op_h >= 0 && op_h < stride_ && op_w >= 0 && op_w < stride_,
                "cannot mirror the encoder's convolution ",
                i,
                " (",
                h_big,
                "x",
                w_big,
                " -> ",
                h_small,
                "x",
                w_small,
                ") with a transposed convolution");
    output_padding_.push_back({op_h, op_w});
    deconvs_.push_back(register_module(
        "deconv" + std::to_string(n - 1 - i),
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in_c, out_c, kernel_size_)
                                       .stride(stride_)
                                       .padding(padding_)
                                       .output_padding({op_h, op_w}))));
  }
}

torch::Tensor ConvDecoderImpl::forward(const torch::Tensor& h) {
  auto y =
      fc_->forward(h).reshape({h.size(0), feature_shape_[0], feature_shape_[1], feature_shape_[2]});
  for (size_t i = 0; i < deconvs_.size(); ++i) {
    y = apply_activation(activation_, y);
    y = deconvs_[i]->forward(y);
  }
  return y;
}

std::string ConvDecoderImpl::script(ScriptBuilder& b,
                                    const std::string& prefix,
                                    const std::string& in,
                                    const std::string& out) const {
  auto wt = b.tensor(prefix + "fc_weight_t", fc_->weight.t());
  auto bias = b.tensor(prefix + "fc_bias", fc_->bias);
  std::string src = "    " + out + " = torch.addmm(" + bias + ", " + in + ", " + wt +
                    ").reshape([" + in + ".size(0), " + std::to_string(feature_shape_[0]) + ", " +
                    std::to_string(feature_shape_[1]) + ", " + std::to_string(feature_shape_[2]) +
                    "])\n";
  for (size_t i = 0; i < deconvs_.size(); ++i) {
    auto w = b.tensor(prefix + "deconv" + std::to_string(i) + "_weight", deconvs_[i]->weight);
    auto bb = b.tensor(prefix + "deconv" + std::to_string(i) + "_bias", deconvs_[i]->bias);
    const auto& op = output_padding_[i];
    src += "    " + out + " = " + script_activation(activation_, out) + "\n";
    src += "    " + out + " = torch.conv_transpose2d(" + out + ", " + w + ", " + bb + ", [2, 2], " +
           script_int_list({padding_, padding_}) + ", " + script_int_list(op) + ", 1, [1, 1])\n";
  }
  return src;
}

void ConvDecoderImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::ConvDecoder(feature_shape=";
  print_list(s, feature_shape_);
  s << ", layers=" << deconvs_.size() << ")";
}

}  // namespace aezoo
