#include "core/registry_regularized.h"

#include <string>

#include "core/model_config.h"
#include "models/contractive.h"
#include "models/denoising.h"
#include "models/dropout.h"
#include "models/sparse.h"
#include "models/stochastic.h"
#include "models/vae.h"

namespace aezoo {

namespace {

// `architecture` (mlp | conv, default mlp), then the network keys of that architecture.
NetworkOptions read_network(ConfigNode& node,
                            const std::vector<int64_t>& input_shape,
                            CodeKeys code_keys = CodeKeys::read) {
  const auto arch =
      architecture_from_string(node.get_choice("architecture", {"mlp", "conv"}, "mlp"));
  if (arch == Architecture::conv && input_shape.size() != 3) {
    node.fail("architecture",
              "conv needs image data of shape [C, H, W], but the data set gives "
              "examples of " +
                  std::to_string(input_shape.size()) + " dimension(s)");
  }
  return read_network_options(node, input_shape, arch, code_keys);
}

ModelPtr build_sparse(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  auto net = read_network(node, input_shape);
  auto lik = read_likelihood_options(node, "bernoulli");
  SparseOptions o(net);
  o.likelihood(lik);
  o.penalty(sparsity_penalty_from_string(node.get_choice("penalty", {"l1", "kl"}, "l1")));
  o.weight(node.get_double("weight", 0.1, 0.0));
  if (o.penalty() == SparsityPenalty::kl) {
    o.target_rate(node.get_number("target_rate", 0.05, Bound{0, true}, Bound{1, true}));
    if (net.code_activation() != Activation::sigmoid) {
      node.fail("code_activation",
                "penalty kl reads the codes as firing rates in (0, 1) and "
                "needs code_activation: sigmoid, got " +
                    to_string(net.code_activation()));
    }
  }
  return std::make_shared<SparseImpl>(o);
}

ModelPtr build_denoising(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  auto net = read_network(node, input_shape);
  auto lik = read_likelihood_options(node, "bernoulli");
  // Gaussian noise of sigma 0.3 is the default corruption only when no other one is named, so
  // `masking_p: 0.25` alone means masking alone.
  const bool other = node.has("masking_p") || node.has("salt_pepper_p");
  CorruptionOptions c;
  c.gaussian_sigma(node.get_double("gaussian_sigma", other ? 0.0 : 0.3, 0.0));
  c.masking_p(node.get_number("masking_p", 0.0, Bound{0}, Bound{1, true}));
  c.salt_pepper_p(node.get_double("salt_pepper_p", 0.0, 0.0, 1.0));
  if (!any_corruption(c)) {
    node.fail_here(
        "a denoising autoencoder needs a corruption: set gaussian_sigma, masking_p "
        "or salt_pepper_p above 0");
  }
  return std::make_shared<DenoisingImpl>(DenoisingOptions(net).likelihood(lik).corruption(c));
}

ModelPtr build_dropout(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  auto net = read_network(node, input_shape);
  auto lik = read_likelihood_options(node, "bernoulli");
  const double p = node.get_number("p", 0.2, Bound{0}, Bound{1, true});
  return std::make_shared<DropoutAEImpl>(DropoutAEOptions(net).likelihood(lik).p(p));
}

// contractive and higher_order_contractive: the same model; the second reads the ho_* keys
// (ho_weight > 0, default 0.1).
ModelPtr build_contractive_model(ConfigNode& node,
                                 const std::vector<int64_t>& input_shape,
                                 bool higher_order) {
  auto net = read_network(node, input_shape);
  auto lik = read_likelihood_options(node, "bernoulli");
  ContractiveOptions o(net);
  o.likelihood(lik);
  o.type(higher_order ? "higher_order_contractive" : "contractive");
  o.weight(node.get_double("weight", 0.1, 0.0));
  o.estimator(jacobian_estimator_from_string(
      node.get_choice("estimator", {"closed_form", "exact", "random"}, "exact")));
  if (o.estimator() == JacobianEstimator::closed_form &&
      (net.architecture() != Architecture::mlp || !net.hidden().empty())) {
    node.fail("estimator",
              "closed_form is the Jacobian of ONE affine+elementwise layer "
              "h = s(W x + b): it needs architecture mlp with hidden: []; use "
              "exact or random for deeper encoders");
  }
  if (o.estimator() == JacobianEstimator::random)
    o.probes(node.get_int("probes", 1, 1));
  if (higher_order) {
    o.ho_weight(node.get_number("ho_weight", 0.1, Bound{0, true}));
    o.ho_sigma(node.get_number("ho_sigma", 0.1, Bound{0, true}));
    o.ho_samples(node.get_int("ho_samples", 1, 1));
  }
  return std::make_shared<ContractiveImpl>(o);
}

ModelPtr build_contractive(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  return build_contractive_model(node, input_shape, false);
}

ModelPtr build_higher_order_contractive(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  return build_contractive_model(node, input_shape, true);
}

ModelPtr build_stochastic(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  auto net = read_network(node, input_shape);
  auto lik = read_likelihood_options(node, "bernoulli");
  StochasticOptions o(net);
  o.likelihood(lik);
  o.code_noise(node.get_double("code_noise", 0.1, 0.0));
  if (lik.kind() != LikelihoodKind::bernoulli) {
    o.learn_scale(node.get_bool("learn_scale", false));
    if (o.learn_scale()) {
      o.min_scale(node.get_double("min_scale", 1e-3, 0.0));
      if (o.min_scale() >= lik.scale())
        node.fail("min_scale", "must be smaller than likelihood_scale (the initial scale)");
    }
  }
  return std::make_shared<StochasticImpl>(o);
}

// The VAE's network keys: those of read_network_options without code_activation and
// tied_weights (its encoder has two heads, mean and log-variance).
ModelPtr build_vae(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  VAEOptions o(read_network(node, input_shape, CodeKeys::skip));
  o.likelihood(read_likelihood_options(node, "bernoulli"));
  o.prior(prior_from_string(node.get_choice("prior", {"normal", "laplace"}, "normal")));
  o.beta(node.get_double("beta", 1.0, 0.0));
  if (o.prior() == PriorKind::laplace)
    o.kl_samples(node.get_int("kl_samples", 1, 1));
  o.iwae_samples(node.get_int("iwae_samples", 50, 1));
  return std::make_shared<VAEImpl>(o);
}

}  // namespace

void register_regularized_models(std::vector<ModelEntry>& r) {
  r.push_back({"sparse",
               "sparse autoencoder: L1 (Laplace prior) or KL sparsity on the code",
               build_sparse});
  r.push_back({"denoising",
               "denoising autoencoder: Gaussian, masking, salt-and-pepper noise",
               build_denoising});
  r.push_back({"dropout", "autoencoder with dropout on the code in training", build_dropout});
  r.push_back({"contractive",
               "contractive autoencoder: lambda ||df/dx||_F^2 (eq. 14.18)",
               build_contractive});
  r.push_back({"higher_order_contractive",
               "contractive autoencoder + E||J(x) - J(x + eps)||_F^2 (Rifai et al. 2011b)",
               build_higher_order_contractive});
  r.push_back({"stochastic",
               "stochastic encoder (code noise) and decoder, learned scales",
               build_stochastic});
  r.push_back(
      {"vae", "variational autoencoder: normal or Laplace prior, beta, IWAE bound", build_vae});
}

}  // namespace aezoo
