// Tests of models/likelihood.h against independent computations in double precision.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "models/fused_kernels.h"
#include "models/likelihood.h"

using namespace aezoo;

TEST(Likelihood, BernoulliMatchesExplicitFormula) {
  auto logits = torch::randn({4, 3, 2}, torch::kDouble);
  auto x = torch::rand({4, 3, 2}, torch::kDouble);
  Likelihood lik(LikelihoodOptions().kind(LikelihoodKind::bernoulli));
  auto p = torch::sigmoid(logits);
  auto expected = -(x * p.log() + (1 - x) * (1 - p).log()).reshape({4, -1}).sum(1);
  EXPECT_TRUE(torch::allclose(lik.nll(logits, x), expected, 1e-10, 1e-10));
  EXPECT_TRUE(torch::allclose(lik.mean(logits), p));
}

TEST(Likelihood, GaussianIsTheNegativeLogDensity) {
  const double sigma = 0.7;
  auto mu = torch::randn({5, 4}, torch::kDouble);
  auto x = torch::randn({5, 4}, torch::kDouble);
  Likelihood lik(LikelihoodOptions().kind(LikelihoodKind::gaussian).scale(sigma));
  auto nll = lik.nll(mu, x);
  for (int64_t i = 0; i < 5; ++i) {
    double expected = 0;
    for (int64_t j = 0; j < 4; ++j) {
      const double d = x[i][j].item<double>() - mu[i][j].item<double>();
      expected -=
          std::log(std::exp(-d * d / (2 * sigma * sigma)) / std::sqrt(2 * M_PI * sigma * sigma));
    }
    EXPECT_NEAR(nll[i].item<double>(), expected, 1e-9);
  }
  EXPECT_TRUE(torch::equal(lik.mean(mu), mu));
}

TEST(Likelihood, LaplaceIsTheNegativeLogDensity) {
  const double b = 0.3;
  auto mu = torch::randn({3, 2}, torch::kDouble);
  auto x = torch::randn({3, 2}, torch::kDouble);
  Likelihood lik(LikelihoodOptions().kind(LikelihoodKind::laplace).scale(b));
  auto expected = -(torch::exp(-(x - mu).abs() / b) / (2 * b)).log().sum(1);
  EXPECT_TRUE(torch::allclose(lik.nll(mu, x), expected, 1e-10, 1e-10));
}

TEST(Likelihood, ShapeMismatchAndBadNamesThrow) {
  Likelihood lik;
  EXPECT_THROW(lik.nll(torch::zeros({2, 3}), torch::zeros({2, 4})), c10::Error);
  EXPECT_THROW(likelihood_from_string("poisson"), std::invalid_argument);
  EXPECT_EQ(likelihood_from_string("laplace"), LikelihoodKind::laplace);
}

// The fused float32 path (models/fused_kernels.cpp): value and gradient against the formula
// in double precision, over logits from -100 to 100 (both softplus branches, underflow of
// exp), 784 columns (vector blocks plus a tail) and targets in [0, 1].
TEST(Likelihood, FusedBernoulliMatchesDoublePrecision) {
  torch::manual_seed(3);
  auto logits = torch::cat({torch::randn({6, 787}) * 4,
                            torch::linspace(-100, 100, 787).unsqueeze(0),
                            torch::full({1, 787}, 1e-4)})
                    .requires_grad_();
  auto x = torch::rand({8, 787});
  x.index_put_({0}, torch::bernoulli(torch::full({787}, 0.5)));
  Likelihood lik(LikelihoodOptions().kind(LikelihoodKind::bernoulli));
  auto nll = lik.nll(logits, x);
  ASSERT_EQ(nll.scalar_type(), torch::kFloat);
  const auto w = torch::randn({8});
  (nll * w).sum().backward();

  auto ld = logits.detach().to(torch::kDouble).requires_grad_();
  auto xd = x.to(torch::kDouble);
  auto ref = (torch::softplus(ld) - xd * ld).sum(1);
  (ref * w.to(torch::kDouble)).sum().backward();
  // Relative to the row's size: float32 summation of 787 terms of order 1 to 100.
  const auto err =
      (nll.detach().to(torch::kDouble) - ref.detach()).abs() / (ref.detach().abs() + 1.0);
  EXPECT_LT(err.max().item<double>(), 2e-6);
  const auto gerr = (logits.grad().to(torch::kDouble) - ld.grad()).abs().max().item<double>();
  EXPECT_LT(gerr, 3e-7 * w.abs().max().item<double>());
}

TEST(Likelihood, FusedBernoulliKeepsNaNAndSupportsDoubleBackward) {
  Likelihood lik(LikelihoodOptions().kind(LikelihoodKind::bernoulli));
  auto l = torch::zeros({2, 20});
  l[1][7] = std::numeric_limits<float>::quiet_NaN();
  const auto nll = lik.nll(l, torch::full({2, 20}, 0.5));
  EXPECT_NEAR(nll[0].item<double>(), 20 * std::log(2.0), 1e-5);
  EXPECT_TRUE(std::isnan(nll[1].item<double>()));

  // Second derivative of sum softplus(l) - x l is sigmoid'(l) = s (1 - s), through
  // create_graph (the contractive and score losses differentiate gradients).
  auto l2 = torch::randn({3, 5}).requires_grad_();
  auto x2 = torch::rand({3, 5});
  auto g = torch::autograd::grad({lik.nll(l2, x2).sum()}, {l2}, {}, true, true)[0];
  auto h = torch::autograd::grad({g.sum()}, {l2})[0];
  const auto s = torch::sigmoid(l2.detach());
  EXPECT_TRUE(torch::allclose(h, s * (1 - s), 1e-5, 1e-6));
  // A target that requires grad gets d/dx = -l.
  auto x3 = torch::rand({3, 5}).requires_grad_();
  lik.nll(l2.detach(), x3).sum().backward();
  EXPECT_TRUE(torch::allclose(x3.grad(), -l2.detach()));
}

TEST(Likelihood, FusedExpIsAccurateOverTheFloatRange) {
  auto a = torch::linspace(-87, 88, 100001);
  auto out = torch::empty_like(a);
  aezoo::detail::fused_exp(a.data_ptr<float>(), a.numel(), out.data_ptr<float>());
  const auto ref = torch::exp(a.to(torch::kDouble));
  const auto rel = ((out.to(torch::kDouble) - ref) / ref).abs().max().item<double>();
  EXPECT_LT(rel, 4 * 1.2e-7);  // a few float ulps
}
