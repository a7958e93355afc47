#include "models/sparse.h"

#include <stdexcept>

#include "models/autoencoder.h"

namespace aezoo {

SparsityPenalty sparsity_penalty_from_string(const std::string& s) {
  if (s == "l1")
    return SparsityPenalty::l1;
  if (s == "kl")
    return SparsityPenalty::kl;
  throw std::invalid_argument("unknown sparsity penalty '" + s + "' (known: l1, kl)");
}

std::string to_string(SparsityPenalty p) {
  return p == SparsityPenalty::l1 ? "l1" : "kl";
}

torch::Tensor bernoulli_kl_sum(double rho, const torch::Tensor& rho_hat) {
  // KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q)).
  auto q = rho_hat.clamp(1e-6, 1.0 - 1e-6);
  return (rho * (std::log(rho) - torch::log(q)) +
          (1.0 - rho) * (std::log1p(-rho) - torch::log1p(-q)))
      .sum();
}

SparseImpl::SparseImpl(SparseOptions options_)
    : NetworkModel("Sparse", options_.likelihood()), options(std::move(options_)) {
  TORCH_CHECK(options.weight() >= 0, "weight must be >= 0, got ", options.weight());
  if (options.penalty() == SparsityPenalty::kl) {
    TORCH_CHECK(options.target_rate() > 0 && options.target_rate() < 1,
                "target_rate must be in (0, 1), got ",
                options.target_rate());
    TORCH_CHECK(options.network().code_activation() == Activation::sigmoid,
                "penalty kl needs code_activation sigmoid (codes in (0, 1) read as firing "
                "rates), got code_activation ",
                to_string(options.network().code_activation()));
  }
  TORCH_CHECK(options.network().encoder_heads() == 1,
              "a sparse autoencoder has one encoder head, got encoder_heads ",
              options.network().encoder_heads());
  network = register_module("network", Network(options.network()));
}

torch::Tensor SparseImpl::penalty(const torch::Tensor& h) const {
  if (options.penalty() == SparsityPenalty::l1) {
    // lambda * sum_j |h_j| = -log prod_j Laplace(h_j; 0, 1 / lambda) + D log(lambda / 2)
    // (Goodfellow et al. 2016, sec. 14.2.1), per example, averaged over the batch.
    return options.weight() * h.abs().sum(1).mean();
  }
  // beta * sum_j KL(rho || rho_hat_j), rho_hat_j = batch mean of h_j (Ng 2011, CS294A notes,
  // "Autoencoders and sparsity").
  return options.weight() * bernoulli_kl_sum(options.target_rate(), h.mean(0));
}

ModelOutput SparseImpl::compute(const torch::Tensor& x) {
  ModelOutput out;
  out.code = encode(x);
  out.decoder_output = decode_raw(out.code);
  out.terms.emplace_back("recon", likelihood_.nll(out.decoder_output, x).mean());
  out.terms.emplace_back("sparsity", penalty(out.code));
  auto h = out.code.detach();
  out.metrics.emplace_back("code_l1", h.abs().sum(1).mean());
  out.metrics.emplace_back("mean_activation", h.mean());
  return out;
}

void SparseImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
}

void SparseImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::Sparse(" << network->describe()
    << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli)
    s << ", likelihood_scale=" << likelihood_.options().scale();
  s << ", penalty=" << to_string(options.penalty()) << ", weight=" << options.weight();
  if (options.penalty() == SparsityPenalty::kl)
    s << ", target_rate=" << options.target_rate();
  s << ")";
}

}  // namespace aezoo
