#include "models/likelihood.h"

#include <cmath>
#include <stdexcept>

#include "models/blocks.h"
#include "models/fused_kernels.h"

namespace aezoo {

namespace {

// The Bernoulli NLL of float32 CPU data as one fused pass forward and one backward
// (models/fused_kernels.cpp) instead of the ~10 elementwise kernels of
// binary_cross_entropy_with_logits + sum and their backward (issue: Performance). Same
// function: -log p(x | l) = sum_d softplus(l_d) - x_d l_d; gradient sigmoid(l) - x.
// With create_graph (double backward) the backward is written in differentiable tensor ops.
struct BernoulliNLL : public torch::autograd::Function<BernoulliNLL> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx,
                               const torch::Tensor& logits,
                               const torch::Tensor& target) {
    ctx->save_for_backward({logits, target});
    auto out = torch::empty({logits.size(0)}, logits.options());
    detail::bernoulli_nll_rows(logits.data_ptr<float>(),
                               target.data_ptr<float>(),
                               logits.size(0),
                               logits.size(1),
                               out.data_ptr<float>());
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& l = saved[0];
    const auto& x = saved[1];
    const auto g = grads[0].contiguous();
    torch::Tensor grad_l, grad_x;
    if (ctx->needs_input_grad(0)) {
      if (torch::GradMode::is_enabled() || g.scalar_type() != torch::kFloat) {
        grad_l = g.unsqueeze(1) * (torch::sigmoid(l) - x);
      } else {
        grad_l = torch::empty_like(l);
        detail::bernoulli_nll_grad(l.data_ptr<float>(),
                                   x.data_ptr<float>(),
                                   g.data_ptr<float>(),
                                   l.size(0),
                                   l.size(1),
                                   grad_l.data_ptr<float>());
      }
    }
    if (ctx->needs_input_grad(1))
      grad_x = -g.unsqueeze(1) * l;  // d/dx (softplus(l) - x l) = -l
    return {grad_l, grad_x};
  }
};

bool fusable(const torch::Tensor& t) {
  return t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.layout() == torch::kStrided;
}

}  // namespace

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
      if (fusable(out) && fusable(x) && n > 0)
        return BernoulliNLL::apply(out.reshape({n, -1}).contiguous(),
                                   x.reshape({n, -1}).contiguous());
      return torch::binary_cross_entropy_with_logits(out, x, {}, {}, at::Reduction::None)
          .reshape({n, -1})
          .sum(1);
    case LikelihoodKind::gaussian: {
      const double s2 = options_.scale() * options_.scale();
      return row_sum_squares((out - x).reshape({n, -1})) / (2.0 * s2) +
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
