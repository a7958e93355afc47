// Tests of models/contractive.h (Goodfellow et al. 2016, eq. 14.18; Rifai et al. 2011a, b):
// every estimator of ||J_f(x)||_F^2 against an explicit Jacobian by central finite
// differences in double precision (closed_form for every activation, exact for deep and
// convolutional encoders, random in expectation and exactly for fixed probes); the gradient of
// the penalty w.r.t. the parameters (a double backward) against finite differences; the
// higher-order term against finite-difference Jacobian differences; and the penalty's effect
// on the Jacobian of held-out data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "models/contractive.h"
#include "test_util.h"

using namespace aezoo;

namespace {

Contractive make(NetworkOptions net,
                 JacobianEstimator e,
                 double weight = 0.1,
                 int64_t probes = 1,
                 double ho_weight = 0.0) {
  return Contractive(ContractiveOptions(std::move(net))
                         .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
                         .estimator(e)
                         .weight(weight)
                         .probes(probes)
                         .ho_weight(ho_weight)
                         .ho_sigma(0.3)
                         .type(ho_weight > 0 ? "higher_order_contractive" : "contractive"));
}

NetworkOptions one_layer(int64_t D, int64_t k, Activation code) {
  return NetworkOptions({D}, k).hidden({}).code_activation(code);
}

NetworkOptions deep(int64_t D, int64_t k, Activation a) {
  return NetworkOptions({D}, k).hidden({7, 5}).activation(a).code_activation(a);
}

// J[n, j, i] = d f_j(x_n) / d x_i by central differences, [N, k, D] (double precision).
torch::Tensor fd_jacobian(ContractiveImpl& m, const torch::Tensor& x, double delta = 1e-6) {
  torch::NoGradGuard ng;
  const int64_t N = x.size(0), D = x.numel() / N;
  auto flat = x.reshape({N, D});
  std::vector<torch::Tensor> cols;
  for (int64_t i = 0; i < D; ++i) {
    auto e = torch::zeros_like(flat);
    e.select(1, i).fill_(delta);
    auto plus = m.encode((flat + e).reshape(x.sizes()));
    auto minus = m.encode((flat - e).reshape(x.sizes()));
    cols.push_back((plus - minus) / (2 * delta));
  }
  return torch::stack(cols, 2);
}

torch::Tensor fro2(const torch::Tensor& J) {
  return J.square().sum({1, 2});
}

// Checks d P / d theta against central differences for every encoder parameter; `P` must be
// deterministic (reseed inside it when it draws noise).
void expect_gradient_matches_fd(ContractiveImpl& m,
                                const std::function<torch::Tensor()>& P,
                                const std::string& what) {
  std::vector<torch::Tensor> params;
  std::vector<std::string> names;
  for (const auto& p : m.named_parameters()) {
    params.push_back(p.value());
    names.push_back(p.key());
  }
  auto grads = torch::autograd::grad({P()}, params, {}, false, false, /*allow_unused=*/true);
  const double delta = 1e-6;
  int64_t checked = 0;
  for (size_t t = 0; t < params.size(); ++t) {
    auto flat = params[t].view({-1});
    auto g = grads[t].defined() ? grads[t].reshape({-1}) : torch::zeros_like(flat);
    for (int64_t i = 0; i < flat.numel(); ++i) {
      double fd;
      {
        torch::NoGradGuard ng;
        const double v = flat[i].item<double>();
        flat[i].fill_(v + delta);
        const double up = P().item<double>();
        flat[i].fill_(v - delta);
        const double down = P().item<double>();
        flat[i].fill_(v);
        fd = (up - down) / (2 * delta);
      }
      const double an = g[i].item<double>();
      ASSERT_NEAR(an, fd, 1e-6 + 1e-5 * std::abs(fd))
          << what << ": " << names[t] << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

}  // namespace

TEST(Contractive, ShapesTermsAndMetrics) {
  auto m = make(deep(6, 3, Activation::tanh), JacobianEstimator::exact, 0.5, 1, 0.2);
  auto x = torch::rand({5, 6});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(m->forward(x).sizes(), x.sizes());
  EXPECT_EQ(m->jacobian(x).sizes(), (std::vector<int64_t>{5, 3, 6}));
  auto out = m->compute(x);
  ASSERT_EQ(out.terms.size(), 3u);
  EXPECT_EQ(out.terms[0].first, "recon");
  EXPECT_EQ(out.terms[1].first, "contractive");
  EXPECT_EQ(out.terms[2].first, "higher_order");
  ASSERT_EQ(out.metrics.size(), 2u);
  EXPECT_EQ(out.metrics[0].first, "jacobian_norm2");
  EXPECT_EQ(out.metrics[1].first, "jacobian_diff_norm2");
  EXPECT_NEAR(out.terms[1].second.item<double>(), 0.5 * out.metrics[0].second.item<double>(), 1e-6);
  EXPECT_NEAR(out.terms[2].second.item<double>(), 0.2 * out.metrics[1].second.item<double>(), 1e-6);
  EXPECT_TRUE(m->needs_grad_in_eval());
  // Without ho_weight there is no higher-order term.
  auto plain = make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.5, 2);
  EXPECT_EQ(plain->compute(x).terms.size(), 2u);
}

TEST(Contractive, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  for (auto m :
       {make(deep(6, 3, Activation::tanh), JacobianEstimator::exact),
        make(deep(6, 3, Activation::softplus), JacobianEstimator::random, 0.1, 2, 0.1),
        make(one_layer(6, 3, Activation::sigmoid), JacobianEstimator::closed_form, 0.1, 1, 0.1)}) {
    m->compute(torch::rand({8, 6})).loss().backward();
    for (const auto& p : m->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << m->type() << " " << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
  }
}

TEST(Contractive, PrettyPrint) {
  std::ostringstream a, b;
  make(one_layer(6, 3, Activation::sigmoid), JacobianEstimator::closed_form, 0.5)->pretty_print(a);
  EXPECT_EQ(a.str(),
            "aezoo::Contractive(input_shape=[6], latent_dim=3, architecture=mlp, hidden=[], "
            "tied_weights=false, activation=relu, code_activation=sigmoid, likelihood=gaussian, "
            "likelihood_scale=1, weight=0.5, estimator=closed_form)");
  make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.1, 4, 0.2)->pretty_print(b);
  EXPECT_EQ(b.str(),
            "aezoo::higher_order_contractive(input_shape=[6], latent_dim=3, architecture=mlp, "
            "hidden=[7, 5], tied_weights=false, activation=tanh, code_activation=tanh, "
            "likelihood=gaussian, likelihood_scale=1, weight=0.1, estimator=random, probes=4, "
            "ho_weight=0.2, ho_sigma=0.3, ho_samples=1)");
}

TEST(Contractive, InvalidOptionsThrow) {
  // The closed form is the Jacobian of one layer only.
  EXPECT_THROW(make(deep(6, 3, Activation::tanh), JacobianEstimator::closed_form), c10::Error);
  EXPECT_THROW(make(NetworkOptions({1, 8, 8}, 3).architecture(Architecture::conv).channels({2}),
                    JacobianEstimator::closed_form),
               c10::Error);
  EXPECT_THROW(make(deep(6, 3, Activation::tanh), JacobianEstimator::exact, -1), c10::Error);
  EXPECT_THROW(make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.1, 0), c10::Error);
  EXPECT_THROW(make(deep(6, 3, Activation::tanh), JacobianEstimator::exact, 0.1, 1, -0.1),
               c10::Error);
  EXPECT_THROW(Contractive(ContractiveOptions(deep(6, 3, Activation::tanh)).ho_sigma(0)),
               c10::Error);
  EXPECT_THROW(Contractive(ContractiveOptions(deep(6, 3, Activation::tanh)).ho_samples(0)),
               c10::Error);
  EXPECT_THROW(jacobian_estimator_from_string("hutchinson"), std::invalid_argument);
}

TEST(Contractive, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = make(deep(6, 3, Activation::tanh), JacobianEstimator::exact);
  auto b = make(deep(6, 3, Activation::tanh), JacobianEstimator::exact);
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 6});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  EXPECT_TRUE(torch::equal(a->jacobian_norm2(x, false), b->jacobian_norm2(x, false)));
}

TEST(Contractive, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = make(NetworkOptions({12}, 8).hidden({32}).activation(Activation::tanh),
                JacobianEstimator::exact,
                1e-4);
  auto x = torch::randn({8, 12});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  const double constant = 12 * 0.5 * std::log(2 * M_PI);
  double first = 0, last = 0;
  for (int i = 0; i < 500; ++i) {
    opt.zero_grad();
    auto out = m->compute(x);
    last = out.terms[0].second.item<double>() - constant;
    if (i == 0)
      first = last;
    out.loss().backward();
    opt.step();
  }
  EXPECT_LT(last, 0.02 * first);
}

// closed_form: sum_j s'(a_j)^2 ||W_j||^2 with the derivative of the activation actually used.
TEST(Contractive, ClosedFormEqualsFiniteDifferenceJacobianForEveryActivation) {
  for (const auto& name : activation_names()) {
    torch::manual_seed(1);
    auto m = make(one_layer(6, 4, activation_from_string(name)), JacobianEstimator::closed_form);
    m->to(torch::kDouble);
    auto x = torch::randn({5, 6}, torch::kDouble);
    auto expected = fro2(fd_jacobian(*m, x));
    auto got = m->jacobian_norm2(x);
    EXPECT_TRUE(torch::allclose(got, expected, 1e-6, 1e-8)) << name << "\n" << got << expected;
  }
}

// exact: one VJP per code unit, for deep MLP and convolutional encoders.
TEST(Contractive, ExactEqualsFiniteDifferenceJacobian) {
  for (auto a : {Activation::tanh, Activation::softplus, Activation::elu}) {
    torch::manual_seed(2);
    auto m = make(deep(6, 3, a), JacobianEstimator::exact);
    m->to(torch::kDouble);
    auto x = torch::randn({4, 6}, torch::kDouble);
    auto J = fd_jacobian(*m, x);
    EXPECT_TRUE(torch::allclose(m->jacobian(x), J, 1e-6, 1e-8)) << to_string(a);
    EXPECT_TRUE(torch::allclose(m->jacobian_norm2(x), fro2(J), 1e-6, 1e-8)) << to_string(a);
  }
  torch::manual_seed(3);
  auto conv = make(NetworkOptions({1, 6, 6}, 3)
                       .architecture(Architecture::conv)
                       .channels({2})
                       .activation(Activation::tanh),
                   JacobianEstimator::exact);
  conv->to(torch::kDouble);
  auto x = torch::rand({3, 1, 6, 6}, torch::kDouble);
  EXPECT_TRUE(torch::allclose(conv->jacobian_norm2(x), fro2(fd_jacobian(*conv, x)), 1e-6, 1e-8));
}

// random: E_v ||v^T J||^2 = ||J||_F^2 for v ~ N(0, I); its variance is 2 tr((J J^T)^2).
TEST(Contractive, RandomIsUnbiasedWithinItsStandardError) {
  torch::manual_seed(4);
  auto m = make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.1, 1);
  torch::manual_seed(4);  // the same weights, 8 probes per call
  auto m8 = make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.1, 8);
  m->to(torch::kDouble);
  m8->to(torch::kDouble);
  auto x = torch::randn({3, 6}, torch::kDouble);
  auto J = fd_jacobian(*m, x);
  const int64_t R = 3000;
  std::vector<torch::Tensor> draws;
  for (int64_t r = 0; r < R; ++r)
    draws.push_back(m->jacobian_norm2(x, false));
  auto d = torch::stack(draws);  // [R, N]
  auto mean = d.mean(0), se = d.std(0) / std::sqrt(static_cast<double>(R));
  auto truth = fro2(J);
  EXPECT_TRUE(((mean - truth).abs() < 4 * se).all().item<bool>()) << mean << truth << se;
  auto JJt = torch::bmm(J, J.transpose(1, 2));
  auto var_theory = 2 * torch::bmm(JJt, JJt).diagonal(0, 1, 2).sum(1);
  EXPECT_TRUE(torch::allclose(d.var(0), var_theory, 0.15, 0)) << d.var(0) << var_theory;
  // With M probes per call the estimator averages M draws: the variance drops by M.
  std::vector<torch::Tensor> draws8;
  for (int64_t r = 0; r < 1000; ++r)
    draws8.push_back(m8->jacobian_norm2(x, false));
  auto d8 = torch::stack(draws8);
  EXPECT_TRUE(torch::allclose(d8.var(0), var_theory / 8, 0.2, 0)) << d8.var(0) << var_theory / 8;
  EXPECT_TRUE(((d8.mean(0) - truth).abs() < 4 * d8.std(0) / std::sqrt(1000.0)).all().item<bool>());
}

// random with fixed probes: exactly (1/M) sum_m ||v_m^T J||^2 for the probes drawn.
TEST(Contractive, RandomEqualsFixedProbesAppliedToTheExplicitJacobian) {
  const int64_t M = 5;
  auto m = make(deep(6, 3, Activation::softplus), JacobianEstimator::random, 0.1, M);
  m->to(torch::kDouble);
  auto x = torch::randn({4, 6}, torch::kDouble);
  auto J = fd_jacobian(*m, x);
  torch::manual_seed(12);
  auto got = m->jacobian_norm2(x, false);
  torch::manual_seed(12);
  torch::Tensor expected = torch::zeros({4}, torch::kDouble);
  for (int64_t i = 0; i < M; ++i) {
    auto v = torch::randn({4, 3}, torch::kDouble);
    expected += torch::bmm(v.unsqueeze(1), J).squeeze(1).square().sum(1) / M;
  }
  EXPECT_TRUE(torch::allclose(got, expected, 1e-6, 1e-8)) << got << expected;
}

// The penalty's gradient w.r.t. the parameters is a double backward; compare with central
// differences in double precision, for each estimator.
TEST(Contractive, PenaltyGradientMatchesFiniteDifferences) {
  torch::manual_seed(5);
  auto closed = make(one_layer(5, 3, Activation::sigmoid), JacobianEstimator::closed_form);
  auto exact = make(NetworkOptions({4}, 3)
                        .hidden({5})
                        .activation(Activation::tanh)
                        .code_activation(Activation::softplus),
                    JacobianEstimator::exact);
  auto random = make(NetworkOptions({4}, 3).hidden({5}).activation(Activation::softplus),
                     JacobianEstimator::random,
                     0.1,
                     3);
  for (auto m : {closed, exact, random}) {
    m->to(torch::kDouble);
    const int64_t D = m->input_shape()[0];
    auto x = torch::randn({6, D}, torch::kDouble);
    expect_gradient_matches_fd(
        *m,
        [&] {
          torch::manual_seed(7);  // fixed probes for `random`
          return m->jacobian_norm2(x).mean();
        },
        to_string(m->options.estimator()));
  }
}

// The whole training loss (recon + contractive + higher_order, noise reseeded) in training
// mode: compute() builds the double-backward graph.
TEST(Contractive, TrainingLossGradientMatchesFiniteDifferences) {
  torch::manual_seed(6);
  for (auto e : {JacobianEstimator::exact, JacobianEstimator::random}) {
    auto m = make(NetworkOptions({4}, 2).hidden({3}).activation(Activation::tanh), e, 0.7, 2, 0.4);
    m->to(torch::kDouble);
    m->train();
    auto x = torch::randn({5, 4}, torch::kDouble);
    expect_gradient_matches_fd(
        *m,
        [&] {
          torch::manual_seed(8);
          return m->compute(x).loss();
        },
        "loss/" + to_string(e));
  }
}

// Rifai et al. 2011b: ||J(x) - J(x + eps)||_F^2 for a fixed eps against explicit
// finite-difference Jacobians at both points.
TEST(Contractive, HigherOrderTermEqualsFiniteDifferenceJacobianDifference) {
  torch::manual_seed(9);
  auto closed =
      make(one_layer(6, 4, Activation::tanh), JacobianEstimator::closed_form, 0.1, 1, 0.5);
  auto exact = make(deep(6, 3, Activation::softplus), JacobianEstimator::exact, 0.1, 1, 0.5);
  for (auto m : {closed, exact}) {
    m->to(torch::kDouble);
    auto x = torch::randn({4, 6}, torch::kDouble);
    auto eps = 0.3 * torch::randn({4, 6}, torch::kDouble);
    auto expected = fro2(fd_jacobian(*m, x) - fd_jacobian(*m, x + eps));
    auto got = m->jacobian_difference_norm2(x, eps);
    EXPECT_TRUE(torch::allclose(got, expected, 1e-6, 1e-8)) << to_string(m->options.estimator());
    EXPECT_GT(expected.mean().item<double>(), 1e-6);  // 100x atol: not 0 = 0
  }
  // random: the same probes at x and x + eps.
  const int64_t M = 4;
  auto random = make(deep(6, 3, Activation::tanh), JacobianEstimator::random, 0.1, M, 0.5);
  random->to(torch::kDouble);
  auto x = torch::randn({4, 6}, torch::kDouble);
  auto eps = 0.3 * torch::randn({4, 6}, torch::kDouble);
  auto dJ = fd_jacobian(*random, x) - fd_jacobian(*random, x + eps);
  torch::manual_seed(13);
  auto got = random->jacobian_difference_norm2(x, eps);
  torch::manual_seed(13);
  auto expected = torch::zeros({4}, torch::kDouble);
  for (int64_t i = 0; i < M; ++i) {
    auto v = torch::randn({4, 3}, torch::kDouble);
    expected += torch::bmm(v.unsqueeze(1), dJ).squeeze(1).square().sum(1) / M;
  }
  EXPECT_TRUE(torch::allclose(got, expected, 1e-6, 1e-8));
  // And its gradient (double backward through both points) against finite differences.
  expect_gradient_matches_fd(
      *random,
      [&] {
        torch::manual_seed(14);
        return random->jacobian_difference_norm2(x, eps).mean();
      },
      "higher_order/random");
}

// In evaluation the penalty is reported without the double-backward graph, also under a
// NoGradGuard, with the same values.
TEST(Contractive, EvaluationWorksWithoutGrad) {
  auto m = make(deep(6, 3, Activation::tanh), JacobianEstimator::exact, 0.3);
  m->eval();
  auto x = torch::rand({5, 6});
  auto with_grad = m->compute(x);
  torch::NoGradGuard ng;
  auto without = m->compute(x);
  EXPECT_FALSE(without.loss().requires_grad());
  EXPECT_NEAR(without.loss().item<double>(), with_grad.loss().item<double>(), 1e-5);
  EXPECT_NEAR(
      without.metrics[0].second.item<double>(), with_grad.metrics[0].second.item<double>(), 1e-5);
}

// The penalty does its job: the same network trained with it has a much smaller Jacobian on
// held-out data than trained without it.
TEST(Contractive, PenaltyLowersTheJacobianNormOnHeldOutData) {
  auto data = [](int64_t n, uint64_t seed) {
    torch::manual_seed(seed);
    // Points near a 2-D subspace of R^8, plus small isotropic noise.
    auto basis = torch::tensor({{1.0f, 0.5f, 0.0f, -0.5f, 0.2f, 0.0f, 0.3f, -0.1f},
                                {0.0f, 0.3f, 1.0f, 0.2f, -0.4f, 0.6f, 0.0f, 0.2f}});
    torch::manual_seed(seed + 100);
    return torch::randn({n, 2}).mm(basis) + 0.05 * torch::randn({n, 8});
  };
  auto train = data(256, 1), test = data(256, 2);
  auto held_out_jacobian = [&](double weight) {
    torch::manual_seed(21);  // same initialisation for both runs
    auto m = make(NetworkOptions({8}, 4).hidden({16}).activation(Activation::tanh),
                  JacobianEstimator::exact,
                  weight);
    torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
    for (int i = 0; i < 300; ++i) {
      opt.zero_grad();
      m->compute(train).loss().backward();
      opt.step();
    }
    return m->jacobian_norm2(test, false).mean().item<double>();
  };
  const double plain = held_out_jacobian(0.0), contracted = held_out_jacobian(1.0);
  EXPECT_LT(contracted, 0.5 * plain) << "without penalty " << plain << ", with " << contracted;
}
