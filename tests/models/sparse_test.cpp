// Tests of models/sparse.h: the per-model set from STYLE.md, the L1 penalty as the negative
// log of a Laplace prior up to its constant (Goodfellow et al. 2016, sec. 14.2.1) and the KL
// sparsity penalty against an explicit Bernoulli KL (Ng 2011).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "models/sparse.h"
#include "test_util.h"

using namespace aezoo;

namespace {

Sparse make(SparsityPenalty penalty,
            double weight,
            Activation code = Activation::identity,
            LikelihoodKind lik = LikelihoodKind::bernoulli) {
  return Sparse(SparseOptions(NetworkOptions({10}, 4).hidden({16}).code_activation(code))
                    .likelihood(LikelihoodOptions().kind(lik))
                    .penalty(penalty)
                    .weight(weight)
                    .target_rate(0.1));
}

void expect_all_grads(torch::nn::Module& m) {
  for (const auto& p : m.named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " got no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << " has zero gradient";
  }
}

}  // namespace

TEST(Sparse, ShapesAndTerms) {
  auto m = make(SparsityPenalty::l1, 0.1);
  auto x = torch::rand({7, 10});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{7, 4}));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 2u);
  EXPECT_EQ(out.terms[0].first, "recon");
  EXPECT_EQ(out.terms[1].first, "sparsity");
  ASSERT_EQ(out.metrics.size(), 2u);
  EXPECT_EQ(out.metrics[0].first, "code_l1");
  EXPECT_EQ(out.metrics[1].first, "mean_activation");
  EXPECT_EQ(out.loss().dim(), 0);
  // The term is the weighted metric.
  EXPECT_NEAR(out.terms[1].second.item<double>(), 0.1 * out.metrics[0].second.item<double>(), 1e-6);
}

TEST(Sparse, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  for (auto m :
       {make(SparsityPenalty::l1, 0.1), make(SparsityPenalty::kl, 1.0, Activation::sigmoid)}) {
    m->compute(torch::rand({8, 10})).loss().backward();
    expect_all_grads(*m);
  }
}

TEST(Sparse, PrettyPrint) {
  std::ostringstream a, b;
  make(SparsityPenalty::l1, 0.5)->pretty_print(a);
  EXPECT_EQ(a.str(),
            "aezoo::Sparse(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=identity, "
            "likelihood=bernoulli, penalty=l1, weight=0.5)");
  make(SparsityPenalty::kl, 2, Activation::sigmoid, LikelihoodKind::gaussian)->pretty_print(b);
  EXPECT_EQ(b.str(),
            "aezoo::Sparse(input_shape=[10], latent_dim=4, architecture=mlp, hidden=[16], "
            "tied_weights=false, activation=relu, code_activation=sigmoid, "
            "likelihood=gaussian, likelihood_scale=1, penalty=kl, weight=2, target_rate=0.1)");
}

TEST(Sparse, InvalidOptionsThrow) {
  EXPECT_THROW(make(SparsityPenalty::l1, -1), c10::Error);
  // KL sparsity reads codes as firing rates: a non-sigmoid code is a clear error.
  try {
    make(SparsityPenalty::kl, 1, Activation::relu);
    FAIL() << "kl with relu codes was accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("code_activation sigmoid"), std::string::npos);
  }
  for (double rho : {0.0, 1.0, -0.2}) {
    EXPECT_THROW(Sparse(SparseOptions(NetworkOptions({10}, 4).code_activation(Activation::sigmoid))
                            .penalty(SparsityPenalty::kl)
                            .target_rate(rho)),
                 c10::Error)
        << rho;
  }
  EXPECT_THROW(sparsity_penalty_from_string("l2"), std::invalid_argument);
}

TEST(Sparse, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(SparsityPenalty::l1, 0.1);
  auto b = make(SparsityPenalty::l1, 0.1);
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 10});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(Sparse, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = Sparse(SparseOptions(NetworkOptions({12}, 8).hidden({32}))
                      .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                      .weight(1e-4));
  auto x = torch::randn({8, 12});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  const double constant = 12 * 0.5 * std::log(2 * M_PI);
  double first = 0, last = 0;
  for (int i = 0; i < 500; ++i) {
    opt.zero_grad();
    auto out = m->compute(x);
    const double recon = out.terms[0].second.item<double>() - constant;
    if (i == 0)
      first = recon;
    last = recon;
    out.loss().backward();
    opt.step();
  }
  EXPECT_LT(last, 0.02 * first);
}

// lambda * sum_j |h_j| = -log prod_j Laplace(h_j; 0, b = 1 / lambda) + D log(lambda / 2): the
// penalty is the negative log-prior of a Laplace prior minus its constant.
TEST(Sparse, L1IsTheNegativeLaplaceLogPriorUpToItsConstant) {
  torch::manual_seed(1);
  const double lambda = 0.7;
  auto m = make(SparsityPenalty::l1, lambda);
  auto h = torch::randn({6, 4}, torch::kDouble) * 3;
  const double b = 1.0 / lambda;
  const int64_t D = h.size(1);
  auto a = h.accessor<double, 2>();
  double neg_log_prior = 0;  // mean over the batch of -log p(h)
  for (int64_t n = 0; n < h.size(0); ++n) {
    double log_p = 0;
    for (int64_t j = 0; j < D; ++j)
      log_p += std::log(1.0 / (2.0 * b) * std::exp(-std::abs(a[n][j]) / b));
    neg_log_prior += -log_p / static_cast<double>(h.size(0));
  }
  const double constant = -D * std::log(lambda / 2.0);  // -log of the normaliser, per example
  EXPECT_NEAR(m->penalty(h).item<double>(), neg_log_prior - constant, 1e-12);
  // The constant matters: the bare negative log-prior differs from the penalty by it.
  EXPECT_GT(std::abs(m->penalty(h).item<double>() - neg_log_prior), 1.0);
}

TEST(Sparse, KLPenaltyMatchesAnExplicitBernoulliKL) {
  torch::manual_seed(2);
  const double beta = 1.5, rho = 0.1;
  auto m = make(SparsityPenalty::kl, beta, Activation::sigmoid);
  m->to(torch::kDouble);
  auto x = torch::rand({9, 10}, torch::kDouble);
  auto out = m->compute(x);
  auto h = out.code.detach();
  ASSERT_GT(h.min().item<double>(), 0.0);
  ASSERT_LT(h.max().item<double>(), 1.0);
  auto a = h.accessor<double, 2>();
  double expected = 0;
  for (int64_t j = 0; j < h.size(1); ++j) {
    double q = 0;
    for (int64_t n = 0; n < h.size(0); ++n)
      q += a[n][j] / static_cast<double>(h.size(0));
    expected += rho * std::log(rho / q) + (1 - rho) * std::log((1 - rho) / (1 - q));
  }
  EXPECT_NEAR(out.terms[1].second.item<double>(), beta * expected, 1e-10);
  // KL(rho || rho) = 0 and KL > 0 elsewhere.
  EXPECT_NEAR(
      bernoulli_kl_sum(0.3, torch::full({5}, 0.3, torch::kDouble)).item<double>(), 0.0, 1e-15);
  EXPECT_GT(bernoulli_kl_sum(0.3, torch::full({5}, 0.31, torch::kDouble)).item<double>(), 0.0);
}

// With the L1 penalty the codes of a ReLU code layer are driven to exact zeros.
TEST(Sparse, L1PenaltyMakesTheCodeSparser) {
  auto fraction_zero = [](double weight) {
    torch::manual_seed(4);
    auto m = make(SparsityPenalty::l1, weight, Activation::relu, LikelihoodKind::gaussian);
    torch::manual_seed(5);
    auto x = torch::randn({64, 10});
    torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
    for (int i = 0; i < 300; ++i) {
      opt.zero_grad();
      m->compute(x).loss().backward();
      opt.step();
    }
    torch::NoGradGuard ng;
    return (m->encode(x) == 0).to(torch::kDouble).mean().item<double>();
  };
  const double plain = fraction_zero(0.0), sparse = fraction_zero(1.0);
  EXPECT_GT(sparse, plain + 0.2) << "zeros without penalty " << plain << ", with " << sparse;
}
