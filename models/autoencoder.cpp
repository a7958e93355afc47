#include "models/autoencoder.h"

namespace aezoo {

AutoencoderImpl::AutoencoderImpl(AutoencoderOptions options_)
    : NetworkModel("Autoencoder", options_.likelihood()), options(std::move(options_)) {
  network = register_module("network", Network(options.network()));
}

void export_network(ScriptBuilder& b, const NetworkImpl& network, const Likelihood& lik) {
  b.method("def encode(self, x: Tensor) -> Tensor:\n" + network.script_encode(b, "x", "h") +
           "    return h\n");
  b.method("def decode(self, h: Tensor) -> Tensor:\n" + network.script_decode(b, "h", "y") +
           "    return " + lik.script_mean("y") + "\n");
}

void AutoencoderImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
}

void AutoencoderImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::" << (options.type() == "autoencoder" ? "Autoencoder" : options.type()) << "("
    << network->describe() << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli) {
    s << ", likelihood_scale=" << likelihood_.options().scale();
  }
  s << ")";
}

}  // namespace aezoo
