// Tests of models/vae.h: the per-model set from STYLE.md; the analytic KL (Kingma & Welling
// 2014, appendix B) against an independent closed form and a Monte Carlo estimate; the Laplace
// prior's Monte Carlo KL against its closed form (folded-normal mean); the importance-weighted
// bound (Burda et al. 2016): K = 1 is the one-sample ELBO estimate, it tightens with K and stays
// below -ELBO; prior sampling, its export, and the PNG of samples.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/script_builder.h"
#include "models/vae.h"
#include "test_util.h"

using namespace aezoo;

namespace {

VAE make(PriorKind prior = PriorKind::normal,
         std::vector<int64_t> shape = {10},
         int64_t k = 3,
         LikelihoodKind lik = LikelihoodKind::bernoulli) {
  return VAE(VAEOptions(NetworkOptions(std::move(shape), k).hidden({16}))
                 .likelihood(LikelihoodOptions().kind(lik))
                 .prior(prior)
                 .iwae_samples(7));
}

// Independent densities in double precision.
double log_normal(double z, double mu, double sigma) {
  return -0.5 * std::pow((z - mu) / sigma, 2) - std::log(sigma) - 0.5 * std::log(2 * M_PI);
}

double normal_cdf(double t) {
  return 0.5 * std::erfc(-t / std::sqrt(2.0));
}

// Binary toy data: two prototypes with bit flips.
torch::Tensor toy_binary(int64_t n, int64_t D, uint64_t seed) {
  torch::manual_seed(seed);
  auto protos = (torch::rand({2, D}) > 0.5).to(torch::kFloat);
  auto idx = torch::randint(0, 2, {n});
  auto x = protos.index_select(0, idx);
  auto flip = (torch::rand({n, D}) < 0.1).to(torch::kFloat);
  return (x + flip).remainder(2.0);
}

}  // namespace

TEST(VAE, ShapesTermsAndMetrics) {
  auto m = make();
  auto x = torch::rand({7, 10});
  auto [mu, logvar] = m->encode_distribution(x);
  EXPECT_EQ(mu.sizes(), (std::vector<int64_t>{7, 3}));
  EXPECT_EQ(logvar.sizes(), (std::vector<int64_t>{7, 3}));
  EXPECT_TRUE(torch::equal(m->encode(x), mu));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  EXPECT_EQ(m->sample(5, 1).sizes(), (std::vector<int64_t>{5, 10}));
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[0].first, "recon");
  EXPECT_EQ(out.terms[1].first, "kl");
  ASSERT_EQ(out.metrics.size(), 1u);
  EXPECT_EQ(out.metrics[0].first, "elbo");
  EXPECT_NEAR(out.metrics[0].second.item<double>(), -out.loss().item<double>(), 1e-4);
  auto ev = m->evaluation_metrics(x);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].first, "iwae_nll");
  EXPECT_EQ(m->network->options.encoder_heads(), 2);
}

TEST(VAE, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  for (auto prior : {PriorKind::normal, PriorKind::laplace}) {
    auto m = make(prior);
    m->compute(torch::rand({8, 10})).loss().backward();
    for (const auto& p : m->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
  }
}

TEST(VAE, PrettyPrint) {
  std::ostringstream a, b;
  make()->pretty_print(a);
  EXPECT_EQ(a.str(),
            "aezoo::VAE(input_shape=[10], latent_dim=3, architecture=mlp, hidden=[16], "
            "activation=relu, likelihood=bernoulli, prior=normal, beta=1, iwae_samples=7)");
  VAE(VAEOptions(NetworkOptions({1, 8, 8}, 2).architecture(Architecture::conv).channels({4}))
          .prior(PriorKind::laplace)
          .beta(4)
          .kl_samples(3))
      ->pretty_print(b);
  EXPECT_EQ(b.str(),
            "aezoo::VAE(input_shape=[1, 8, 8], latent_dim=2, architecture=conv, channels=[4], "
            "kernel_size=4, activation=relu, likelihood=bernoulli, prior=laplace, beta=4, "
            "kl_samples=3, iwae_samples=50)");
}

TEST(VAE, InvalidOptionsThrow) {
  EXPECT_THROW(VAE(VAEOptions(NetworkOptions({4}, 2).code_activation(Activation::sigmoid))),
               c10::Error);
  EXPECT_THROW(VAE(VAEOptions(NetworkOptions({4}, 2).tied_weights(true))), c10::Error);
  EXPECT_THROW(VAE(VAEOptions(NetworkOptions({4}, 2)).beta(-1)), c10::Error);
  EXPECT_THROW(VAE(VAEOptions(NetworkOptions({4}, 2)).kl_samples(0)), c10::Error);
  EXPECT_THROW(VAE(VAEOptions(NetworkOptions({4}, 2)).iwae_samples(0)), c10::Error);
  EXPECT_THROW(prior_from_string("cauchy"), std::invalid_argument);
  auto m = make();
  EXPECT_THROW(m->iwae_nll(torch::rand({2, 10}), 0), c10::Error);
  EXPECT_THROW(m->sample(0, 1), c10::Error);
}

TEST(VAE, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(), b = make();
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  EXPECT_TRUE(torch::equal(a->sample(3, 2), b->sample(3, 2)));
}

TEST(VAE, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = make(PriorKind::normal, {20}, 4);
  auto x = toy_binary(8, 20, 1);
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  for (int i = 0; i < 600; ++i) {
    opt.zero_grad();
    auto out = m->compute(x);
    if (i == 0)
      first = out.terms[0].second.item<double>();
    last = out.terms[0].second.item<double>();
    out.loss().backward();
    opt.step();
  }
  // From ~20 log 2 nats (a coin per bit) to a few tenths of a nat per bit at most; the KL term
  // keeps the code noisy, so not to zero.
  EXPECT_LT(last, 0.2 * first) << first << " -> " << last;
}

TEST(VAE, ForwardAndEncodeAreDeterministic) {
  auto m = make();
  m->eval();
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(m->forward(x), m->forward(x)));
  EXPECT_TRUE(torch::equal(m->forward(x), m->decode(m->encode_distribution(x).first)));
}

// Kingma & Welling 2014, appendix B, against KL(N(mu, s^2) || N(0, 1)) = log(1 / s) +
// (s^2 + mu^2) / 2 - 1/2 per dimension, written independently in double.
TEST(VAE, AnalyticKLMatchesAnIndependentClosedForm) {
  torch::manual_seed(4);
  auto m = make();
  auto mu = torch::randn({5, 3}, torch::kDouble) * 2;
  auto logvar = torch::randn({5, 3}, torch::kDouble);
  auto got = m->kl(mu, logvar);
  auto ma = mu.accessor<double, 2>(), la = logvar.accessor<double, 2>();
  for (int64_t n = 0; n < 5; ++n) {
    double kl = 0;
    for (int64_t j = 0; j < 3; ++j) {
      const double s = std::exp(0.5 * la[n][j]);
      kl += std::log(1.0 / s) + (s * s + ma[n][j] * ma[n][j]) / 2.0 - 0.5;
    }
    EXPECT_NEAR(got[n].item<double>(), kl, 1e-12);
  }
  // And against a Monte Carlo estimate E_q[log q(z) - log p(z)] with many samples.
  const int64_t S = 200000;
  for (int64_t n = 0; n < 2; ++n) {
    auto eps = torch::randn({S, 3}, torch::kDouble);
    auto s = (0.5 * logvar[n]).exp();
    auto z = mu[n] + s * eps;
    auto log_q = (-0.5 * eps.square() - s.log() - 0.5 * std::log(2 * M_PI)).sum(1);
    auto log_p = (-0.5 * z.square() - 0.5 * std::log(2 * M_PI)).sum(1);
    auto d = log_q - log_p;
    const double se = d.std().item<double>() / std::sqrt(static_cast<double>(S));
    EXPECT_NEAR(d.mean().item<double>(), got[n].item<double>(), 4 * se);
  }
}

// Laplace(0, 1) prior: the Monte Carlo KL is unbiased for the closed form
// KL = -H[q] + sum_j (log 2 + E|z_j|), E|z| = s sqrt(2/pi) exp(-mu^2 / 2s^2) + mu (1 - 2
// Phi(-mu/s)).
TEST(VAE, LaplacePriorMonteCarloKLIsUnbiased) {
  torch::manual_seed(5);
  auto m = make(PriorKind::laplace);
  auto mu = torch::tensor({{0.3, -1.2, 2.0}, {0.0, 0.5, -0.1}}, torch::kDouble);
  auto logvar = torch::tensor({{-1.0, 0.4, -2.0}, {0.0, -0.5, 1.0}}, torch::kDouble);
  const int64_t R = 20000;
  std::vector<torch::Tensor> draws;
  for (int64_t r = 0; r < R; ++r)
    draws.push_back(m->kl(mu, logvar));
  auto d = torch::stack(draws);
  auto ma = mu.accessor<double, 2>(), la = logvar.accessor<double, 2>();
  for (int64_t n = 0; n < 2; ++n) {
    double kl = 0;
    for (int64_t j = 0; j < 3; ++j) {
      const double s = std::exp(0.5 * la[n][j]), u = ma[n][j];
      const double entropy = 0.5 * std::log(2 * M_PI * M_E * s * s);
      const double e_abs = s * std::sqrt(2 / M_PI) * std::exp(-u * u / (2 * s * s)) +
                           u * (1 - 2 * normal_cdf(-u / s));
      kl += -entropy + std::log(2.0) + e_abs;
    }
    const double se = d.select(1, n).std().item<double>() / std::sqrt(static_cast<double>(R));
    EXPECT_NEAR(d.select(1, n).mean().item<double>(), kl, 4 * se) << n;
    EXPECT_GT(se, 0.0);
  }
  // kl_samples averages draws: the same expectation with a smaller spread.
  auto m16 = VAE(
      VAEOptions(NetworkOptions({10}, 3).hidden({16})).prior(PriorKind::laplace).kl_samples(16));
  std::vector<torch::Tensor> d16;
  for (int64_t r = 0; r < 2000; ++r)
    d16.push_back(m16->kl(mu, logvar));
  auto v16 = torch::stack(d16).var(0), v1 = d.var(0);
  EXPECT_TRUE(torch::allclose(v16, v1 / 16, 0.2, 0)) << v16 << v1 / 16;
}

// IWAE with K = 1 is the one-sample ELBO estimate log p(x | z) + log p(z) - log q(z | x), and
// its expectation is the ELBO with the analytic KL.
TEST(VAE, IwaeWithOneSampleIsTheElboEstimate) {
  torch::manual_seed(6);
  auto m = make();
  m->to(torch::kDouble);
  auto x = (torch::rand({6, 10}, torch::kDouble) > 0.5).to(torch::kDouble);
  torch::NoGradGuard ng;
  auto [mu, logvar] = m->encode_distribution(x);
  torch::manual_seed(10);
  auto iwae1 = m->iwae_nll(x, 1);
  torch::manual_seed(10);
  auto eps = torch::randn_like(mu);
  auto z = mu + (0.5 * logvar).exp() * eps;
  auto nll = m->likelihood().nll(m->decode_raw(z), x);
  for (int64_t n = 0; n < 6; ++n) {
    double log_q = 0, log_p = 0;
    for (int64_t j = 0; j < 3; ++j) {
      const double s = std::exp(0.5 * logvar[n][j].item<double>());
      log_q += log_normal(z[n][j].item<double>(), mu[n][j].item<double>(), s);
      log_p += log_normal(z[n][j].item<double>(), 0.0, 1.0);
    }
    EXPECT_NEAR(iwae1[n].item<double>(), nll[n].item<double>() + log_q - log_p, 1e-9);
  }
  // In expectation: mean over draws of iwae_nll(K = 1) = -ELBO (MC recon + analytic KL on the
  // same draws; their difference log q - log p - KL has mean zero).
  const int64_t R = 4000;
  std::vector<torch::Tensor> diffs;
  auto kl = m->kl(mu, logvar);
  for (int64_t r = 0; r < R; ++r) {
    torch::manual_seed(100 + r);
    auto i1 = m->iwae_nll(x, 1);
    torch::manual_seed(100 + r);
    auto zr = mu + (0.5 * logvar).exp() * torch::randn_like(mu);
    diffs.push_back(i1 - (m->likelihood().nll(m->decode_raw(zr), x) + kl));
  }
  auto d = torch::stack(diffs);
  auto se = d.std(0) / std::sqrt(static_cast<double>(R));
  EXPECT_TRUE((d.mean(0).abs() < 4 * se).all().item<bool>()) << d.mean(0) << se;
}

// Burda et al. 2016, Theorem 1: L_1 <= L_K <= L_M for K <= M, and L_1 = ELBO in expectation,
// so iwae_nll decreases with K and stays below -ELBO.
TEST(VAE, IwaeBoundTightensAsKGrows) {
  torch::manual_seed(7);
  auto m = make(PriorKind::normal, {12}, 2);
  auto train = toy_binary(256, 12, 2);
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  for (int i = 0; i < 100; ++i) {
    opt.zero_grad();
    m->compute(train).loss().backward();
    opt.step();
  }
  m->eval();
  torch::NoGradGuard ng;
  auto x = toy_binary(2000, 12, 2);
  torch::manual_seed(8);
  auto [mu, logvar] = m->encode_distribution(x);
  // -ELBO with the analytic KL and the reconstruction averaged over 20 draws.
  torch::Tensor recon = torch::zeros({x.size(0)});
  for (int r = 0; r < 20; ++r)
    recon +=
        m->likelihood().nll(m->decode_raw(mu + (0.5 * logvar).exp() * torch::randn_like(mu)), x) /
        20;
  const double neg_elbo = (recon + m->kl(mu, logvar)).mean().item<double>();
  const double k1 = m->iwae_nll(x, 1).mean().item<double>();
  const double k10 = m->iwae_nll(x, 10).mean().item<double>();
  const double k100 = m->iwae_nll(x, 100).mean().item<double>();
  EXPECT_NEAR(k1, neg_elbo, 0.05 * neg_elbo);
  EXPECT_LT(k10, k1 - 0.05) << k1 << " " << k10;
  EXPECT_LT(k100, k10 - 0.01) << k10 << " " << k100;
  EXPECT_LT(k100, neg_elbo);
  // evaluation_metrics uses iwae_samples.
  EXPECT_EQ(m->evaluation_metrics(x)[0].first, "iwae_nll");
}

TEST(VAE, SamplingIsSeededAndLeavesTheGlobalGeneratorAlone) {
  auto m = make();
  torch::manual_seed(3);
  auto a = m->sample(4, 11);
  auto after = torch::rand({3});
  torch::manual_seed(3);
  auto expected_after = torch::rand({3});
  EXPECT_TRUE(torch::equal(after, expected_after));
  EXPECT_TRUE(torch::equal(m->sample(4, 11), a));
  EXPECT_FALSE(torch::equal(m->sample(4, 12), a));
  EXPECT_GE(a.min().item<double>(), 0.0);  // Bernoulli means
  EXPECT_LE(a.max().item<double>(), 1.0);
}

// Laplace(0, 1) prior draws: E|z| = 1 and Var z = 2. A linear Gaussian decoder lets the test
// read z back from decode(z) = W z + b by least squares.
TEST(VAE, LaplacePriorSamplesHaveLaplaceStatistics) {
  torch::manual_seed(9);
  auto m = VAE(VAEOptions(NetworkOptions({6}, 2).hidden({}))
                   .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                   .prior(PriorKind::laplace));
  m->to(torch::kDouble);
  torch::NoGradGuard ng;
  const int64_t n = 100000;
  auto y = m->sample(n, 5);
  auto W = m->network->named_parameters()["decoder.weight0"];  // [6, 2]
  auto b = m->network->named_parameters()["decoder.bias0"];
  auto z = std::get<0>(torch::linalg_lstsq(W, (y - b).t())).t();
  EXPECT_NEAR(z.mean().item<double>(), 0.0, 0.02);
  EXPECT_NEAR(z.abs().mean().item<double>(), 1.0, 0.02);
  EXPECT_NEAR(z.var().item<double>(), 2.0, 0.05);
}

// Export: encode is the posterior mean, encode_distribution gives (mean, log-variance),
// sample(n, seed) reproduces the in-memory draws.
TEST(VAE, ExportMatchesTheModule) {
  for (auto prior : {PriorKind::normal, PriorKind::laplace}) {
    auto m = make(prior, {1, 4, 4}, 3);
    m->eval();
    ScriptBuilder b("VAE");
    m->export_to(b);
    auto mod = b.build();
    auto x = torch::rand({5, 1, 4, 4});
    torch::NoGradGuard ng;
    auto [mu, logvar] = m->encode_distribution(x);
    auto dist = mod.run_method("encode_distribution", x).toTuple();
    EXPECT_LE((dist->elements()[0].toTensor() - mu).abs().max().item<double>(), 1e-6);
    EXPECT_LE((dist->elements()[1].toTensor() - logvar).abs().max().item<double>(), 1e-6);
    EXPECT_LE((mod.run_method("encode", x).toTensor() - mu).abs().max().item<double>(), 1e-6);
    EXPECT_LE((mod.forward({x}).toTensor() - m->forward(x)).abs().max().item<double>(), 1e-6);
    auto s = mod.run_method("sample", 6, 42).toTensor();
    EXPECT_EQ(s.sizes(), (std::vector<int64_t>{6, 1, 4, 4}));
    EXPECT_LE((s - m->sample(6, 42)).abs().max().item<double>(), 1e-6) << to_string(prior);
  }
}

TEST(VAE, WritesAPngOfSamples) {
  test::TempDir dir;
  auto m = make(PriorKind::normal, {1, 6, 6}, 2);
  write_vae_samples(*m, dir.file("samples.png"), 9, 1);
  const std::string png = test::read_file(dir.file("samples.png"));
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_THROW(write_vae_samples(*make(), dir.file("flat.png"), 4), Error);
}
