// Tests of models/likelihood.h against independent computations in double precision.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

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
