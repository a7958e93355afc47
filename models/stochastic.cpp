#include "models/stochastic.h"

#include <cmath>

#include "models/autoencoder.h"

namespace aezoo {

torch::Tensor scaled_nll(LikelihoodKind kind,
                         const torch::Tensor& mean,
                         const torch::Tensor& x,
                         const torch::Tensor& scale) {
  TORCH_CHECK(mean.sizes() == x.sizes(),
              "decoder output shape ",
              mean.sizes(),
              " does not match the data shape ",
              x.sizes());
  const int64_t n = x.size(0);
  const auto s = scale.expand_as(x);
  if (kind == LikelihoodKind::gaussian) {
    // -log N(x; mu, sigma^2) = (x - mu)^2 / (2 sigma^2) + log sigma + log(2 pi) / 2.
    return ((x - mean).square() / (2.0 * s.square()) + torch::log(s) + 0.5 * std::log(2.0 * M_PI))
        .reshape({n, -1})
        .sum(1);
  }
  TORCH_CHECK(kind == LikelihoodKind::laplace, "scaled_nll needs a gaussian or laplace kind");
  // -log Laplace(x; mu, b) = |x - mu| / b + log(2 b).
  return ((x - mean).abs() / s + torch::log(2.0 * s)).reshape({n, -1}).sum(1);
}

StochasticImpl::StochasticImpl(StochasticOptions options_)
    : NetworkModel("Stochastic", options_.likelihood()), options(std::move(options_)) {
  TORCH_CHECK(options.code_noise() >= 0, "code_noise must be >= 0, got ", options.code_noise());
  TORCH_CHECK(options.network().encoder_heads() == 1,
              "a stochastic autoencoder has one encoder head, got encoder_heads ",
              options.network().encoder_heads());
  network = register_module("network", Network(options.network()));
  if (options.learn_scale()) {
    TORCH_CHECK(options.likelihood().kind() != LikelihoodKind::bernoulli,
                "learn_scale needs a gaussian or laplace likelihood");
    TORCH_CHECK(options.min_scale() >= 0 && options.min_scale() < options.likelihood().scale(),
                "min_scale must be in [0, likelihood_scale), got ",
                options.min_scale());
    const double init = std::log(options.likelihood().scale() - options.min_scale());
    scale_param =
        register_parameter("scale_param", torch::full(options.network().input_shape(), init));
  }
}

torch::Tensor StochasticImpl::decoder_scale() const {
  if (scale_param.defined())
    return options.min_scale() + torch::exp(scale_param);
  if (likelihood_.options().kind() == LikelihoodKind::bernoulli)
    return {};
  return torch::full(options.network().input_shape(), likelihood_.options().scale());
}

torch::Tensor StochasticImpl::decoder_nll(const torch::Tensor& out, const torch::Tensor& x) const {
  if (!scale_param.defined())
    return likelihood_.nll(out, x);
  return scaled_nll(likelihood_.options().kind(), out, x, decoder_scale().unsqueeze(0));
}

ModelOutput StochasticImpl::compute(const torch::Tensor& x) {
  ModelOutput out;
  auto h = encode(x);
  if (is_training() && options.code_noise() > 0) {
    // h ~ p_encoder(h | x) = N(f(x), code_noise^2 I) (Goodfellow et al. 2016, sec. 14.4).
    h = h + options.code_noise() * torch::randn_like(h);
  }
  out.code = h;
  out.decoder_output = decode_raw(h);
  // -log p_decoder(x | h) (Goodfellow et al. 2016, sec. 14.4, fig. 14.2).
  out.terms.emplace_back("recon", decoder_nll(out.decoder_output, x).mean());
  if (scale_param.defined())
    out.metrics.emplace_back("decoder_scale", decoder_scale().detach().mean());
  return out;
}

void StochasticImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
}

void StochasticImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::Stochastic(" << network->describe()
    << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli) {
    s << ", likelihood_scale=" << likelihood_.options().scale()
      << ", learn_scale=" << (options.learn_scale() ? "true" : "false");
    if (options.learn_scale())
      s << ", min_scale=" << options.min_scale();
  }
  s << ", code_noise=" << options.code_noise() << ")";
}

}  // namespace aezoo
