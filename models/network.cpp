#include "models/network.h"

#include <sstream>
#include <stdexcept>

namespace aezoo {

Architecture architecture_from_string(const std::string& s) {
  if (s == "mlp")
    return Architecture::mlp;
  if (s == "conv")
    return Architecture::conv;
  throw std::invalid_argument("unknown architecture '" + s + "' (known: mlp, conv)");
}

std::string to_string(Architecture a) {
  return a == Architecture::mlp ? "mlp" : "conv";
}

namespace {
std::string list_str(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}
}  // namespace

NetworkImpl::NetworkImpl(NetworkOptions options_) : options(std::move(options_)) {
  TORCH_CHECK(!options.input_shape().empty(), "input_shape must not be empty");
  TORCH_CHECK(options.latent_dim() > 0, "latent_dim must be positive, got ", options.latent_dim());
  TORCH_CHECK(
      options.encoder_heads() >= 1, "encoder_heads must be >= 1, got ", options.encoder_heads());
  input_numel_ = 1;
  for (auto d : options.input_shape()) {
    TORCH_CHECK(
        d > 0, "input_shape entries must be positive, got ", list_str(options.input_shape()));
    input_numel_ *= d;
  }
  const int64_t enc_out = options.latent_dim() * options.encoder_heads();
  if (options.architecture() == Architecture::mlp) {
    mlp_enc_ = register_module(
        "encoder",
        MLP(MLPOptions(input_numel_, options.hidden(), enc_out)
                .activation(options.activation())
                .output_activation(options.encoder_heads() == 1 ? options.code_activation()
                                                                : Activation::identity)));
    if (options.tied_weights()) {
      TORCH_CHECK(options.encoder_heads() == 1,
                  "tied_weights needs a square code (encoder_heads = 1)");
      mlp_dec_ = register_module(
          "decoder", MLPImpl::tied(*mlp_enc_, options.activation(), Activation::identity));
    } else {
      std::vector<int64_t> rev(options.hidden().rbegin(), options.hidden().rend());
      mlp_dec_ = register_module(
          "decoder",
          std::make_shared<MLPImpl>(MLPOptions(options.latent_dim(), rev, input_numel_)
                                        .activation(options.activation())));
    }
  } else {
    TORCH_CHECK(options.input_shape().size() == 3,
                "architecture conv needs image input {C, H, W}, got ",
                list_str(options.input_shape()));
    TORCH_CHECK(!options.tied_weights(), "tied_weights is only available for architecture mlp");
    conv_enc_ = register_module(
        "encoder",
        ConvEncoder(ConvEncoderOptions(options.input_shape(), options.channels(), enc_out)
                        .kernel_size(options.kernel_size())
                        .activation(options.activation())));
    conv_dec_ = register_module("decoder", ConvDecoder(*conv_enc_, options.latent_dim()));
  }
}

torch::Tensor NetworkImpl::encode_preactivation(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == static_cast<int64_t>(options.input_shape().size()) + 1,
              "expected input of shape [N, ",
              list_str(options.input_shape()).substr(1),
              ", got ",
              x.sizes());
  if (conv_enc_)
    return conv_enc_->forward(x);
  // Same as the MLP's forward without the output activation.
  auto h = x.reshape({x.size(0), -1});
  const int64_t L = mlp_enc_->num_layers();
  for (int64_t i = 0; i < L; ++i) {
    h = torch::addmm(mlp_enc_->bias(i), h, mlp_enc_->weight(i).t());
    if (i + 1 < L)
      h = apply_activation(options.activation(), h);
  }
  return h;
}

torch::Tensor NetworkImpl::encode(const torch::Tensor& x) {
  if (conv_enc_) {
    auto a = encode_preactivation(x);
    return options.encoder_heads() == 1 ? apply_activation(options.code_activation(), a) : a;
  }
  TORCH_CHECK(x.dim() == static_cast<int64_t>(options.input_shape().size()) + 1,
              "expected input of shape [N, ",
              list_str(options.input_shape()).substr(1),
              ", got ",
              x.sizes());
  return mlp_enc_->forward(x);
}

torch::Tensor NetworkImpl::decode(const torch::Tensor& h) {
  TORCH_CHECK(h.dim() == 2 && h.size(1) == options.latent_dim(),
              "expected a code of shape [N, ",
              options.latent_dim(),
              "], got ",
              h.sizes());
  std::vector<int64_t> shape = {h.size(0)};
  shape.insert(shape.end(), options.input_shape().begin(), options.input_shape().end());
  if (conv_dec_)
    return conv_dec_->forward(h);
  return mlp_dec_->forward(h).reshape(shape);
}

std::string NetworkImpl::script_encode(ScriptBuilder& b,
                                       const std::string& in,
                                       const std::string& out) const {
  if (mlp_enc_)
    return mlp_enc_->script(b, "encoder_", in, out);
  std::string src = conv_enc_->script(b, "encoder_", in, out);
  if (options.encoder_heads() == 1 && options.code_activation() != Activation::identity) {
    src += "    " + out + " = " + script_activation(options.code_activation(), out) + "\n";
  }
  return src;
}

std::string NetworkImpl::script_decode(ScriptBuilder& b,
                                       const std::string& in,
                                       const std::string& out) const {
  if (conv_dec_)
    return conv_dec_->script(b, "decoder_", in, out);
  std::string src = mlp_dec_->script(b, "decoder_", in, out);
  src += "    " + out + " = " + out + ".reshape([" + in + ".size(0), " +
         list_str(options.input_shape()).substr(1, list_str(options.input_shape()).size() - 2) +
         "])\n";
  return src;
}

std::string NetworkImpl::describe() const {
  std::ostringstream s;
  s << "input_shape=" << list_str(options.input_shape()) << ", latent_dim=" << options.latent_dim()
    << ", architecture=" << to_string(options.architecture());
  if (options.architecture() == Architecture::mlp) {
    s << ", hidden=" << list_str(options.hidden())
      << ", tied_weights=" << (options.tied_weights() ? "true" : "false");
  } else {
    s << ", channels=" << list_str(options.channels()) << ", kernel_size=" << options.kernel_size();
  }
  s << ", activation=" << to_string(options.activation())
    << ", code_activation=" << to_string(options.code_activation());
  return s.str();
}

void NetworkImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::Network(" << describe() << ")";
}

}  // namespace aezoo
