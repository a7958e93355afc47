#include "models/denoising.h"

#include "models/autoencoder.h"

namespace aezoo {

DenoisingImpl::DenoisingImpl(DenoisingOptions options_)
    : NetworkModel("Denoising", options_.likelihood()), options(std::move(options_)) {
  check_corruption(options.corruption());
  TORCH_CHECK(any_corruption(options.corruption()),
              "a denoising autoencoder needs a corruption: set gaussian_sigma, masking_p or "
              "salt_pepper_p above 0");
  TORCH_CHECK(options.network().encoder_heads() == 1,
              "a denoising autoencoder has one encoder head, got encoder_heads ",
              options.network().encoder_heads());
  network = register_module("network", Network(options.network()));
}

ModelOutput DenoisingImpl::compute(const torch::Tensor& x) {
  ModelOutput out;
  const auto input = is_training() ? corrupt(options.corruption(), x) : x;
  out.code = encode(input);
  out.decoder_output = decode_raw(out.code);
  // Vincent et al. 2008, sec. 2.3; Goodfellow et al. 2016, eq. 14.9: -log p_decoder(x | f(x~)),
  // the target is the clean x.
  out.terms.emplace_back("recon", likelihood_.nll(out.decoder_output, x).mean());
  return out;
}

std::vector<NamedScalar> DenoisingImpl::evaluation_metrics(const torch::Tensor& x) {
  const auto clean = likelihood_.nll(decode_raw(encode(x)), x).mean();
  const auto noisy =
      likelihood_.nll(decode_raw(encode(corrupt(options.corruption(), x))), x).mean();
  return {{"recon_clean", clean}, {"recon_corrupted", noisy}};
}

torch::Tensor DenoisingImpl::score(const torch::Tensor& x) {
  TORCH_CHECK(gaussian_only(options.corruption()),
              "score(x) needs Gaussian corruption only (masking_p = salt_pepper_p = 0)");
  const double s2 = options.corruption().gaussian_sigma() * options.corruption().gaussian_sigma();
  // Alain & Bengio 2014, Theorem 1: (r(x) - x) / sigma^2 -> d log p(x) / dx as sigma -> 0.
  return (forward(x) - x) / s2;
}

void DenoisingImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
  if (gaussian_only(options.corruption())) {
    const double s2 = options.corruption().gaussian_sigma() * options.corruption().gaussian_sigma();
    b.method(
        "def score(self, x: Tensor) -> Tensor:\n"
        "    return (self.forward(x) - x) / " +
        script_float(s2) + "\n");
  }
}

void DenoisingImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::Denoising(" << network->describe()
    << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli)
    s << ", likelihood_scale=" << likelihood_.options().scale();
  s << ", " << describe(options.corruption()) << ")";
}

}  // namespace aezoo
