#include "core/model_config.h"

namespace aezoo {

Activation read_activation(ConfigNode& node, const std::string& key, const std::string& def) {
  return activation_from_string(node.get_choice(key, activation_names(), def));
}

NetworkOptions read_network_options(ConfigNode& node,
                                    const std::vector<int64_t>& input_shape,
                                    Architecture architecture,
                                    CodeKeys code_keys) {
  NetworkOptions net(input_shape, node.get_int("latent_dim", {}, 1));
  net.architecture(architecture);
  if (architecture == Architecture::mlp) {
    net.hidden(node.get_int_list("hidden", std::vector<int64_t>{512, 256}, 1));
    if (code_keys == CodeKeys::read)
      net.tied_weights(node.get_bool("tied_weights", false));
  } else {
    net.channels(node.get_int_list("channels", std::vector<int64_t>{32, 64}, 1));
    net.kernel_size(node.get_int("kernel_size", 4, 2, 15));
  }
  net.activation(read_activation(node, "activation", "relu"));
  if (code_keys == CodeKeys::read)
    net.code_activation(read_activation(node, "code_activation", "identity"));
  return net;
}

LikelihoodOptions read_likelihood_options(ConfigNode& node, const std::string& def) {
  LikelihoodOptions lik;
  lik.kind(likelihood_from_string(
      node.get_choice("likelihood", {"bernoulli", "gaussian", "laplace"}, def)));
  if (lik.kind() != LikelihoodKind::bernoulli) {
    lik.scale(node.get_double("likelihood_scale", 1.0, 1e-12));
  }
  return lik;
}

}  // namespace aezoo
