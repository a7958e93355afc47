// Tests of models/stochastic.h (Goodfellow et al. 2016, sec. 14.4): the code noise of the
// stochastic encoder, the learned-scale Gaussian and Laplace NLLs against explicit
// log-densities, and the learned variance converging to the residual variance.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "models/stochastic.h"
#include "test_util.h"

using namespace aezoo;

namespace {

Stochastic make(LikelihoodKind lik, bool learn, double noise = 0.1, int64_t D = 10) {
  return Stochastic(StochasticOptions(NetworkOptions({D}, 4).hidden({16}))
                        .likelihood(LikelihoodOptions().kind(lik))
                        .learn_scale(learn)
                        .code_noise(noise));
}

}  // namespace

TEST(Stochastic, ShapesAndTerms) {
  auto m = make(LikelihoodKind::gaussian, true);
  auto x = torch::rand({7, 10});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{7, 4}));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  EXPECT_EQ(m->decoder_scale().sizes(), (std::vector<int64_t>{10}));
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 1u);
  EXPECT_EQ(out.terms[0].first, "recon");
  ASSERT_EQ(out.metrics.size(), 1u);
  EXPECT_EQ(out.metrics[0].first, "decoder_scale");
  EXPECT_EQ(make(LikelihoodKind::bernoulli, false)->compute(x).metrics.size(), 0u);
  EXPECT_FALSE(make(LikelihoodKind::bernoulli, false)->decoder_scale().defined());
}

TEST(Stochastic, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  for (auto lik : {LikelihoodKind::gaussian, LikelihoodKind::laplace}) {
    auto m = make(lik, true);
    m->compute(torch::rand({8, 10})).loss().backward();
    ASSERT_TRUE(m->scale_param.grad().defined());
    for (const auto& p : m->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
  }
}

TEST(Stochastic, PrettyPrint) {
  std::ostringstream a, b;
  make(LikelihoodKind::gaussian, true, 0.5)->pretty_print(a);
  EXPECT_EQ(a.str(),
            "aezoo::Stochastic(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=identity, likelihood=gaussian, "
            "likelihood_scale=1, learn_scale=true, min_scale=0.001, code_noise=0.5)");
  make(LikelihoodKind::bernoulli, false)->pretty_print(b);
  EXPECT_EQ(b.str(),
            "aezoo::Stochastic(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=identity, "
            "likelihood=bernoulli, code_noise=0.1)");
}

TEST(Stochastic, InvalidOptionsThrow) {
  EXPECT_THROW(make(LikelihoodKind::gaussian, false, -0.1), c10::Error);
  EXPECT_THROW(make(LikelihoodKind::bernoulli, true), c10::Error);  // nothing to learn
  EXPECT_THROW(
      Stochastic(StochasticOptions(NetworkOptions({4}, 2))
                     .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian).scale(0.5))
                     .learn_scale(true)
                     .min_scale(0.5)),
      c10::Error);
  EXPECT_THROW(
      scaled_nll(
          LikelihoodKind::bernoulli, torch::zeros({2, 3}), torch::zeros({2, 3}), torch::ones({3})),
      c10::Error);
}

TEST(Stochastic, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(LikelihoodKind::gaussian, true), b = make(LikelihoodKind::gaussian, true);
  {
    torch::NoGradGuard ng;
    a->scale_param.uniform_(-1, 1);
  }
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  EXPECT_TRUE(torch::equal(a->decoder_scale(), b->decoder_scale()));
}

TEST(Stochastic, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = Stochastic(StochasticOptions(NetworkOptions({12}, 8).hidden({32}))
                          .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                          .code_noise(0.01));
  auto x = torch::randn({8, 12});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  auto err = [&] {
    torch::NoGradGuard ng;
    return (m->forward(x) - x).square().sum(1).mean().item<double>();
  };
  const double first = err();
  for (int i = 0; i < 600; ++i) {
    opt.zero_grad();
    m->compute(x).loss().backward();
    opt.step();
  }
  EXPECT_LT(err(), 0.02 * first);
}

// p_encoder(h | x) = N(f(x), code_noise^2 I) in training; h = f(x) in evaluation.
TEST(Stochastic, CodeNoiseHasTheRequestedStdInTrainingOnly) {
  torch::manual_seed(4);
  const double noise = 0.3;
  auto m = make(LikelihoodKind::bernoulli, false, noise);
  auto x = torch::rand({5000, 10});
  torch::NoGradGuard ng;
  auto f = m->encode(x);
  auto h = m->compute(x).code;
  auto e = (h - f).to(torch::kDouble);
  const double n = static_cast<double>(e.numel());
  EXPECT_NEAR(e.mean().item<double>(), 0.0, 5 * noise / std::sqrt(n));
  EXPECT_NEAR(e.std().item<double>(), noise, 5 * noise / std::sqrt(2 * n));
  m->eval();
  EXPECT_TRUE(torch::equal(m->compute(x).code, f));
}

// The learned-scale NLLs are the negative log-densities, constants included.
TEST(Stochastic, LearnedScaleNllMatchesExplicitLogDensities) {
  torch::manual_seed(5);
  for (auto lik : {LikelihoodKind::gaussian, LikelihoodKind::laplace}) {
    auto m = make(lik, true, 0.1, 5);
    m->to(torch::kDouble);
    {
      torch::NoGradGuard ng;
      m->scale_param.uniform_(-2, 1);
    }
    auto x = torch::randn({3, 5}, torch::kDouble);
    auto mu = torch::randn({3, 5}, torch::kDouble);
    auto got = m->decoder_nll(mu, x);
    auto s = m->decoder_scale();
    auto xa = x.accessor<double, 2>(), ma = mu.accessor<double, 2>();
    auto sa = s.accessor<double, 1>();
    for (int64_t n = 0; n < 3; ++n) {
      double nll = 0;
      for (int64_t d = 0; d < 5; ++d) {
        const double r = xa[n][d] - ma[n][d], sd = sa[d];
        const double density =
            lik == LikelihoodKind::gaussian
                ? std::exp(-r * r / (2 * sd * sd)) / std::sqrt(2 * M_PI * sd * sd)
                : std::exp(-std::abs(r) / sd) / (2 * sd);
        nll -= std::log(density);
      }
      EXPECT_NEAR(got[n].item<double>(), nll, 1e-10) << to_string(lik);
    }
    // scale = min_scale + exp(scale_param)
    EXPECT_TRUE(torch::allclose(s, 1e-3 + m->scale_param.exp()));
  }
}

// At the optimum of sigma_d for a given decoder, sigma_d^2 is the expected squared residual of
// dimension d under the training noise, E_h (x_d - g_d(h))^2 with h ~ p_encoder(h | x): training
// the network and the scales jointly converges there. The code is tanh-bounded, so the code
// noise sets a floor on the residual that the encoder cannot scale away.
TEST(Stochastic, LearnedVarianceConvergesToTheResidualVariance) {
  torch::manual_seed(6);
  const int64_t N = 1000, D = 4;
  auto noise_std = torch::tensor({0.1f, 0.2f, 0.3f, 0.4f});
  auto z = torch::randn({N, 1});
  auto x = z.mm(torch::tensor({{1.0f, 2.0f, -1.0f, 0.5f}})) + noise_std * torch::randn({N, D});
  auto m = Stochastic(StochasticOptions(NetworkOptions({D}, 1)
                                            .hidden({16})
                                            .activation(Activation::tanh)
                                            .code_activation(Activation::tanh))
                          .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                          .learn_scale(true)
                          .min_scale(0.0)
                          .code_noise(0.2));
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  for (int i = 0; i < 2000; ++i) {
    if (i == 1500)
      static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(1e-3);
    opt.zero_grad();
    m->compute(x).loss().backward();
    opt.step();
  }
  torch::NoGradGuard ng;
  // E_h (x - g(h))^2 over 200 draws of the code noise.
  auto f = m->encode(x);
  auto residual_var = torch::zeros({D});
  for (int r = 0; r < 200; ++r)
    residual_var += (x - m->decode(f + 0.2 * torch::randn_like(f))).square().mean(0) / 200;
  auto learned_var = m->decoder_scale().square();
  EXPECT_TRUE(torch::allclose(learned_var, residual_var, 0.05, 0)) << learned_var << residual_var;
  // Far from the initial scale 1: the scales did move.
  EXPECT_GT((learned_var - 1).abs().min().item<double>(), 0.3) << learned_var;
}
