#include "core/registry.h"

#include <stdexcept>

#include "core/error.h"
#include "core/model_config.h"
#include "core/registry_regularized.h"
#include "core/registry_score.h"
#include "models/autoencoder.h"

namespace aezoo {

namespace {

ModelPtr build_autoencoder(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  auto net = read_network_options(node, input_shape, Architecture::mlp);
  auto lik = read_likelihood_options(node, "bernoulli");
  return std::make_shared<AutoencoderImpl>(
      AutoencoderOptions(net).likelihood(lik).type("autoencoder"));
}

ModelPtr build_linear_autoencoder(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  // Linear f and g (no hidden layer, identity activations): with a Gaussian decoder the
  // optimum spans the principal subspace of the data (Goodfellow et al. 2016, sec. 14.1).
  auto net = NetworkOptions(input_shape, node.get_int("latent_dim", {}, 1))
                 .hidden({})
                 .activation(Activation::identity)
                 .code_activation(Activation::identity)
                 .tied_weights(node.get_bool("tied_weights", false));
  auto lik = read_likelihood_options(node, "gaussian");
  return std::make_shared<AutoencoderImpl>(
      AutoencoderOptions(net).likelihood(lik).type("linear_autoencoder"));
}

ModelPtr build_conv_autoencoder(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  if (input_shape.size() != 3) {
    node.fail("type",
              "conv_autoencoder needs image data of shape [C, H, W], but the data set "
              "gives examples of " +
                  std::to_string(input_shape.size()) + " dimension(s)");
  }
  auto net = read_network_options(node, input_shape, Architecture::conv);
  auto lik = read_likelihood_options(node, "bernoulli");
  return std::make_shared<AutoencoderImpl>(
      AutoencoderOptions(net).likelihood(lik).type("conv_autoencoder"));
}

std::vector<ModelEntry> register_builtin_models() {
  std::vector<ModelEntry> r;
  r.push_back({"autoencoder", "undercomplete deep MLP autoencoder (sec. 14.1)", build_autoencoder});
  r.push_back({"linear_autoencoder",
               "linear encoder and decoder; spans the PCA subspace",
               build_linear_autoencoder});
  r.push_back({"conv_autoencoder", "convolutional autoencoder for images", build_conv_autoencoder});
  register_regularized_models(r);
  register_score_models(r);
  return r;
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> registry = register_builtin_models();
  return registry;
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& e : model_registry())
    names.push_back(e.name);
  return names;
}

ModelPtr build_model(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  const std::string type = node.get_string("type");
  for (const auto& e : model_registry()) {
    if (e.name != type)
      continue;
    ModelPtr model;
    try {
      model = e.build(node, input_shape);
    } catch (const c10::Error& err) {
      // An option combination the model rejects (TORCH_CHECK in its constructor).
      node.fail("type", std::string("cannot build ") + type + ": " + err.what_without_backtrace());
    }
    node.finish();
    return model;
  }
  std::string known;
  for (const auto& n : model_names())
    known += (known.empty() ? "" : ", ") + n;
  node.fail("type", "unknown model '" + type + "' (known: " + known + ")");
}

}  // namespace aezoo
