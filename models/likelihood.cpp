#include "models/likelihood.h"

#include <cmath>
#include <stdexcept>

namespace aezoo {

LikelihoodKind likelihood_from_string(const std::string& s) {
  if (s == "bernoulli")
    return LikelihoodKind::bernoulli;
  if (s == "gaussian")
    return LikelihoodKind::gaussian;
  if (s == "laplace")
    return LikelihoodKind::laplace;
  throw std::invalid_argument("unknown likelihood '" + s +
                              "' (known: bernoulli, gaussian, laplace)");
}

std::string to_string(LikelihoodKind k) {
  switch (k) {
    case LikelihoodKind::bernoulli:
      return "bernoulli";
    case LikelihoodKind::gaussian:
      return "gaussian";
    case LikelihoodKind::laplace:
      return "laplace";
  }
  return "?";
}

Likelihood::Likelihood(LikelihoodOptions options) : options_(options) {
  TORCH_CHECK(options_.scale() > 0, "likelihood scale must be positive, got ", options_.scale());
}

torch::Tensor Likelihood::nll(const torch::Tensor& out, const torch::Tensor& x) const {
  TORCH_CHECK(out.sizes() == x.sizes(),
              "decoder output shape ",
              out.sizes(),
              " does not match the data shape ",
              x.sizes());
  const int64_t n = x.size(0);
  const double d = static_cast<double>(x.numel() / std::max<int64_t>(n, 1));
  switch (options_.kind()) {
    case LikelihoodKind::bernoulli:
      // -[x log s(l) + (1-x) log(1-s(l))] = softplus(l) - x l, summed over dimensions.
      return torch::binary_cross_entropy_with_logits(out, x, {}, {}, at::Reduction::None)
          .reshape({n, -1})
          .sum(1);
    case LikelihoodKind::gaussian: {
      const double s2 = options_.scale() * options_.scale();
      return (out - x).square().reshape({n, -1}).sum(1) / (2.0 * s2) +
             0.5 * d * std::log(2.0 * M_PI * s2);
    }
    case LikelihoodKind::laplace: {
      const double b = options_.scale();
      return (out - x).abs().reshape({n, -1}).sum(1) / b + d * std::log(2.0 * b);
    }
  }
  TORCH_CHECK(false, "unreachable");
}

torch::Tensor Likelihood::mean(const torch::Tensor& out) const {
  return options_.kind() == LikelihoodKind::bernoulli ? torch::sigmoid(out) : out;
}

std::string Likelihood::script_mean(const std::string& var) const {
  return options_.kind() == LikelihoodKind::bernoulli ? "torch.sigmoid(" + var + ")" : var;
}

}  // namespace aezoo
