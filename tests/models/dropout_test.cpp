// Tests of models/dropout.h: the per-model set from STYLE.md and the dropout statistics (drop
// fraction p, survivors scaled by 1 / (1 - p)) in training, the identity in evaluation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "models/dropout.h"
#include "test_util.h"

using namespace aezoo;

namespace {

DropoutAE make(double p, int64_t k = 4, LikelihoodKind lik = LikelihoodKind::bernoulli) {
  return DropoutAE(DropoutAEOptions(NetworkOptions({10}, k).hidden({16}))
                       .likelihood(LikelihoodOptions().kind(lik))
                       .p(p));
}

}  // namespace

TEST(DropoutAE, ShapesAndTerms) {
  auto m = make(0.2);
  auto x = torch::rand({7, 10});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{7, 4}));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 1u);
  EXPECT_EQ(out.terms[0].first, "recon");
  ASSERT_EQ(out.metrics.size(), 1u);
  EXPECT_EQ(out.metrics[0].first, "dropped_fraction");
  EXPECT_EQ(m->type(), "dropout");
}

TEST(DropoutAE, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  auto m = make(0.2);
  m->compute(torch::rand({8, 10})).loss().backward();
  for (const auto& p : m->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
  }
}

TEST(DropoutAE, PrettyPrint) {
  std::ostringstream s;
  make(0.25)->pretty_print(s);
  EXPECT_EQ(s.str(),
            "aezoo::DropoutAE(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=identity, "
            "likelihood=bernoulli, p=0.25)");
}

TEST(DropoutAE, InvalidOptionsThrow) {
  EXPECT_THROW(make(1.0), c10::Error);
  EXPECT_THROW(make(-0.1), c10::Error);
  EXPECT_NO_THROW(make(0.0));
}

TEST(DropoutAE, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(0.2), b = make(0.2);
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(DropoutAE, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = DropoutAE(DropoutAEOptions(NetworkOptions({12}, 16).hidden({32}))
                         .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                         .p(0.1));
  auto x = torch::randn({8, 12});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  auto err = [&] {
    torch::NoGradGuard ng;
    m->eval();
    const double e = (m->forward(x) - x).square().sum(1).mean().item<double>();
    m->train();
    return e;
  };
  const double first = err();
  for (int i = 0; i < 800; ++i) {
    opt.zero_grad();
    m->compute(x).loss().backward();
    opt.step();
  }
  EXPECT_LT(err(), 0.05 * first);
}

// Srivastava et al. 2014 with inverted scaling: in training each code unit is 0 with
// probability p and h_j / (1 - p) otherwise; in evaluation the code is f(x).
TEST(DropoutAE, DropsFractionPAndRescalesInTrainingOnly) {
  torch::manual_seed(4);
  const double p = 0.3;
  auto m = make(p, 64);
  auto x = torch::rand({500, 10});
  torch::NoGradGuard ng;
  auto h = m->encode(x);
  auto out = m->compute(x);
  auto kept = out.code != 0;
  const double n = static_cast<double>(h.numel());
  const double dropped = 1.0 - kept.to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(dropped, p, 5 * std::sqrt(p * (1 - p) / n));
  EXPECT_NEAR(out.metrics[0].second.item<double>(), dropped, 1e-6);
  EXPECT_TRUE(torch::allclose(out.code.masked_select(kept), h.masked_select(kept) / (1 - p)));
  // The same seed gives the same mask (global generator).
  torch::manual_seed(8);
  auto a = m->compute(x).code;
  torch::manual_seed(8);
  EXPECT_TRUE(torch::equal(m->compute(x).code, a));

  m->eval();
  auto ev = m->compute(x);
  EXPECT_TRUE(torch::equal(ev.code, h));
  EXPECT_EQ(ev.metrics[0].second.item<double>(), 0.0);
  EXPECT_NEAR(ev.loss().item<double>(),
              m->likelihood().nll(m->decode_raw(h), x).mean().item<double>(),
              1e-6);
}
