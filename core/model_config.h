#pragma once
// YAML -> model Options: the one layer that turns a `model:` section into the Options structs
// of models/ (which never see YAML). Key names are the Options' names.
#include <string>
#include <vector>

#include "core/config.h"
#include "models/likelihood.h"
#include "models/network.h"

namespace aezoo {

/// Reads the network keys of a model section:
///   latent_dim (int >= 1, required), hidden (mlp; int list, default [512, 256]),
///   channels (conv; int list, default [32, 64]), kernel_size (conv; default 4),
///   activation (default relu), code_activation (default identity),
///   tied_weights (mlp; default false).
/// With CodeKeys::skip, code_activation and tied_weights are not read (so they are unknown
/// keys): the VAE, whose encoder has two heads (mean and log-variance), takes neither.
enum class CodeKeys { read, skip };
NetworkOptions read_network_options(ConfigNode& node,
                                    const std::vector<int64_t>& input_shape,
                                    Architecture architecture,
                                    CodeKeys code_keys = CodeKeys::read);

/// Reads `likelihood` (bernoulli | gaussian | laplace, default `def`) and
/// `likelihood_scale` (sigma of gaussian / b of laplace, > 0, default 1; only read for
/// those two).
LikelihoodOptions read_likelihood_options(ConfigNode& node, const std::string& def);

/// Reads an activation name at `key` (the error lists the known names).
Activation read_activation(ConfigNode& node, const std::string& key, const std::string& def);

}  // namespace aezoo
