#include "models/dropout.h"

#include "models/autoencoder.h"

namespace aezoo {

DropoutAEImpl::DropoutAEImpl(DropoutAEOptions options_)
    : NetworkModel("DropoutAE", options_.likelihood()), options(std::move(options_)) {
  TORCH_CHECK(options.p() >= 0 && options.p() < 1, "p must be in [0, 1), got ", options.p());
  TORCH_CHECK(options.network().encoder_heads() == 1,
              "a dropout autoencoder has one encoder head, got encoder_heads ",
              options.network().encoder_heads());
  network = register_module("network", Network(options.network()));
}

ModelOutput DropoutAEImpl::compute(const torch::Tensor& x) {
  ModelOutput out;
  const auto h = encode(x);
  // Srivastava et al. 2014, sec. 4 (with inverted scaling): h_j * m_j / (1 - p), m_j ~ Bernoulli(1
  // - p). torch::dropout draws from the global generator and is the identity when not training.
  const auto mask = torch::dropout(torch::ones_like(h), options.p(), is_training());
  out.code = h * mask;
  out.decoder_output = decode_raw(out.code);
  out.terms.emplace_back("recon", likelihood_.nll(out.decoder_output, x).mean());
  out.metrics.emplace_back("dropped_fraction", (mask == 0).to(h.dtype()).mean());
  return out;
}

void DropoutAEImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
}

void DropoutAEImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::DropoutAE(" << network->describe()
    << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli)
    s << ", likelihood_scale=" << likelihood_.options().scale();
  s << ", p=" << options.p() << ")";
}

}  // namespace aezoo
