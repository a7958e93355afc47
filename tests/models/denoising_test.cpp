// Tests of models/corruption.h and models/denoising.h: the corruption statistics, the loss
// target (the clean x), the evaluation metrics, and the score estimate (r(x) - x) / sigma^2
// of Alain & Bengio (2014) against its closed form on Gaussian data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "core/script_builder.h"
#include "models/denoising.h"
#include "test_util.h"

using namespace aezoo;

namespace {

Denoising make(CorruptionOptions c, LikelihoodKind lik = LikelihoodKind::bernoulli) {
  return Denoising(DenoisingOptions(NetworkOptions({10}, 4).hidden({16}))
                       .likelihood(LikelihoodOptions().kind(lik))
                       .corruption(c));
}

void expect_all_grads(torch::nn::Module& m) {
  for (const auto& p : m.named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " got no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << " has zero gradient";
  }
}

double fraction_of(const torch::Tensor& mask) {
  return mask.to(torch::kDouble).mean().item<double>();
}

}  // namespace

TEST(Corruption, MaskingZeroesTheRequestedFraction) {
  torch::manual_seed(0);
  const double p = 0.3;
  const int64_t n = 200000;
  auto x = torch::rand({n}) + 0.5;  // no zeros before masking
  auto xt = corrupt(CorruptionOptions().masking_p(p), x);
  const double se = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(fraction_of(xt == 0), p, 5 * se);
  // Kept entries are unchanged.
  auto kept = xt != 0;
  EXPECT_TRUE(torch::equal(xt.masked_select(kept), x.masked_select(kept)));
}

TEST(Corruption, GaussianNoiseHasTheRequestedStd) {
  torch::manual_seed(1);
  const double sigma = 0.25;
  const int64_t n = 200000;
  auto x = torch::rand({n}, torch::kDouble);
  auto noise = corrupt(CorruptionOptions().gaussian_sigma(sigma), x) - x;
  // Standard errors of the sample mean and std: sigma / sqrt(n), sigma / sqrt(2n).
  EXPECT_NEAR(noise.mean().item<double>(), 0.0, 5 * sigma / std::sqrt(n));
  EXPECT_NEAR(noise.std().item<double>(), sigma, 5 * sigma / std::sqrt(2.0 * n));
}

TEST(Corruption, SaltAndPepperSetsZerosAndOnesInEqualParts) {
  torch::manual_seed(2);
  const double p = 0.2;
  const int64_t n = 200000;
  auto x = torch::full({n}, 0.5);
  auto xt = corrupt(CorruptionOptions().salt_pepper_p(p), x);
  const double se = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(fraction_of(xt != 0.5), p, 5 * se);
  EXPECT_NEAR(fraction_of(xt == 1), p / 2, 5 * se);
  EXPECT_NEAR(fraction_of(xt == 0), p / 2, 5 * se);
}

TEST(Corruption, ComposesMaskingThenGaussian) {
  torch::manual_seed(3);
  const double p = 0.5, sigma = 0.1;
  const int64_t n = 200000;
  auto x = torch::ones({n}, torch::kDouble);
  auto xt = corrupt(CorruptionOptions().masking_p(p).gaussian_sigma(sigma), x);
  // x~ = m + sigma eps with m ~ Bernoulli(1 - p): mean 1 - p, variance p (1 - p) + sigma^2.
  EXPECT_NEAR(xt.mean().item<double>(), 1 - p, 0.01);
  EXPECT_NEAR(xt.var().item<double>(), p * (1 - p) + sigma * sigma, 0.01);
  // Noise is added after masking: masked entries are not exactly zero.
  EXPECT_EQ(fraction_of(xt == 0), 0.0);
}

TEST(Corruption, DrawsFromTheGlobalGenerator) {
  auto x = torch::rand({100});
  auto o = CorruptionOptions().masking_p(0.3).salt_pepper_p(0.1).gaussian_sigma(0.2);
  torch::manual_seed(9);
  auto a = corrupt(o, x);
  torch::manual_seed(9);
  auto b = corrupt(o, x);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(corrupt(o, x), a));
}

TEST(Denoising, ShapesAndTerms) {
  auto m = make(CorruptionOptions().gaussian_sigma(0.3));
  auto x = torch::rand({7, 10});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{7, 4}));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 1u);
  EXPECT_EQ(out.terms[0].first, "recon");
  auto ev = m->evaluation_metrics(x);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].first, "recon_clean");
  EXPECT_EQ(ev[1].first, "recon_corrupted");
}

TEST(Denoising, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  auto m = make(CorruptionOptions().masking_p(0.25));
  m->compute(torch::rand({8, 10})).loss().backward();
  expect_all_grads(*m);
}

TEST(Denoising, PrettyPrint) {
  std::ostringstream s;
  make(CorruptionOptions().gaussian_sigma(0.3).masking_p(0.1))->pretty_print(s);
  EXPECT_EQ(s.str(),
            "aezoo::Denoising(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=identity, "
            "likelihood=bernoulli, gaussian_sigma=0.3, masking_p=0.1, salt_pepper_p=0)");
}

TEST(Denoising, InvalidOptionsThrow) {
  EXPECT_THROW(make(CorruptionOptions()), c10::Error);  // no corruption at all
  EXPECT_THROW(make(CorruptionOptions().gaussian_sigma(-0.1)), c10::Error);
  EXPECT_THROW(make(CorruptionOptions().masking_p(1.0)), c10::Error);
  EXPECT_THROW(make(CorruptionOptions().salt_pepper_p(1.5)), c10::Error);
  // The score needs Gaussian corruption only.
  EXPECT_THROW(make(CorruptionOptions().masking_p(0.2))->score(torch::rand({2, 10})), c10::Error);
}

TEST(Denoising, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(CorruptionOptions().gaussian_sigma(0.3));
  auto b = make(CorruptionOptions().gaussian_sigma(0.3));
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(Denoising, OverfitsOneSmallBatch) {
  // A small corruption of 8 well-separated points: the clean points are recovered.
  torch::manual_seed(3);
  auto m = Denoising(DenoisingOptions(NetworkOptions({12}, 8).hidden({32}))
                         .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                         .corruption(CorruptionOptions().gaussian_sigma(0.01)));
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

// The loss is -log p(x | g(f(x~))): corrupted input, CLEAN target.
TEST(Denoising, LossComparesWithTheCleanInput) {
  auto o = CorruptionOptions().gaussian_sigma(0.4).masking_p(0.3);
  auto m = make(o, LikelihoodKind::gaussian);
  auto x = torch::rand({16, 10});
  torch::manual_seed(11);
  const double loss = m->compute(x).loss().item<double>();
  torch::manual_seed(11);
  auto xt = corrupt(o, x);
  torch::NoGradGuard ng;
  auto out = m->decode_raw(m->encode(xt));
  const double clean_target = m->likelihood().nll(out, x).mean().item<double>();
  const double noisy_target = m->likelihood().nll(out, xt).mean().item<double>();
  EXPECT_NEAR(loss, clean_target, 1e-5);
  EXPECT_GT(std::abs(loss - noisy_target), 1e-3);  // 100x the tolerance above
}

TEST(Denoising, EvaluationIsCleanAndReportsCorruptedInputs) {
  auto o = CorruptionOptions().salt_pepper_p(0.3);
  auto m = make(o);
  m->eval();
  auto x = torch::rand({16, 10});
  torch::NoGradGuard ng;
  const double clean = m->likelihood().nll(m->decode_raw(m->encode(x)), x).mean().item<double>();
  EXPECT_NEAR(m->compute(x).loss().item<double>(), clean, 1e-6);  // no corruption in eval
  torch::manual_seed(5);
  auto ev = m->evaluation_metrics(x);
  torch::manual_seed(5);
  auto xt = corrupt(o, x);
  EXPECT_NEAR(ev[0].second.item<double>(), clean, 1e-6);
  EXPECT_NEAR(ev[1].second.item<double>(),
              m->likelihood().nll(m->decode_raw(m->encode(xt)), x).mean().item<double>(),
              1e-6);
}

// Alain & Bengio 2014: for data x ~ N(0, s^2 I) and Gaussian corruption sigma, the optimal
// reconstruction is r(x~) = E[x | x~] = x~ s^2 / (s^2 + sigma^2), so the DAE's score estimate
// (r(x) - x) / sigma^2 = -x / (s^2 + sigma^2): the score of the data density convolved with the
// corruption (which tends to the true score -x / s^2 as sigma -> 0). A linear DAE represents it.
TEST(Denoising, ScoreEstimateMatchesTheClosedFormOnGaussianData) {
  torch::manual_seed(6);
  const double s = 1.0, sigma = 0.5;
  const int64_t D = 2;
  auto m =
      Denoising(DenoisingOptions(NetworkOptions({D}, D).hidden({}).activation(Activation::identity))
                    .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                    .corruption(CorruptionOptions().gaussian_sigma(sigma)));
  auto data = s * torch::randn({8192, D});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(2e-2));
  for (int i = 0; i < 800; ++i) {
    opt.zero_grad();
    m->compute(data).loss().backward();
    opt.step();
  }
  auto x = torch::tensor({{1.0f, -0.5f}, {-1.5f, 2.0f}, {0.3f, 0.7f}});
  torch::NoGradGuard ng;
  auto score = m->score(x);
  auto expected = -x / (s * s + sigma * sigma);
  EXPECT_LT((score - expected).abs().max().item<double>(),
            0.1 * expected.abs().max().item<double>())
      << score << expected;

  // The export has score(x) too, equal to the in-memory one.
  ScriptBuilder b("Denoising");
  m->eval();
  m->export_to(b);
  auto mod = b.build();
  auto exported = mod.run_method("score", x).toTensor();
  EXPECT_LE((exported - score).abs().max().item<double>(), 1e-6);
  // No score method when the corruption is not Gaussian only.
  ScriptBuilder b2("Denoising");
  make(CorruptionOptions().gaussian_sigma(0.1).masking_p(0.1))->export_to(b2);
  EXPECT_FALSE(b2.has_method("score"));
  EXPECT_TRUE(m->has_score());
  EXPECT_FALSE(make(CorruptionOptions().gaussian_sigma(0.1).masking_p(0.1))->has_score());
}
