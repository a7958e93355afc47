// FusedAdam / FusedAdamW give the same trajectory as LibTorch's Adam / AdamW (up to float
// reassociation), share their state format, and fall back where they cannot fuse.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_util.h"
#include "trainers/fused_adam.h"

using namespace aezoo;

namespace {

struct Problem {
  torch::nn::Sequential net;
  torch::Tensor x, y;
};

Problem make_problem(uint64_t seed) {
  torch::manual_seed(seed);
  Problem p{torch::nn::Sequential(
                torch::nn::Linear(20, 300), torch::nn::Tanh(), torch::nn::Linear(300, 5)),
            torch::randn({64, 20}),
            torch::randn({64, 5})};
  return p;
}

void train(Problem& p, torch::optim::Optimizer& opt, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    torch::mse_loss(p.net->forward(p.x), p.y).backward();
    opt.step();
  }
}

double max_param_diff(Problem& a, Problem& b) {
  double d = 0;
  auto pa = a.net->parameters(), pb = b.net->parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    d = std::max(d, (pa[i] - pb[i]).abs().max().item<double>());
  }
  return d;
}

}  // namespace

TEST(FusedAdam, MatchesLibTorchAdam) {
  for (double wd : {0.0, 0.01}) {
    auto a = make_problem(1), b = make_problem(1);
    auto opts = torch::optim::AdamOptions(3e-3).weight_decay(wd).betas({0.8, 0.99}).eps(1e-7);
    torch::optim::Adam ref(a.net->parameters(), opts);
    FusedAdam fused(b.net->parameters(), opts);
    // Step by step the two agree to float rounding...
    train(a, ref, 10);
    train(b, fused, 10);
    EXPECT_LT(max_param_diff(a, b), 1e-5) << "weight_decay " << wd;
    // ...and the update really moved the parameters (the comparison is not vacuous).
    auto c = make_problem(1);
    EXPECT_GT(max_param_diff(a, c), 1e-2);
    // Over a long run rounding differences are amplified (elements whose gradient is ~0 have
    // m / sqrt(v) of either sign), but both optimisations fit the data equally well.
    const double l0 = torch::mse_loss(c.net->forward(c.x), c.y).item<double>();
    train(a, ref, 290);
    train(b, fused, 290);
    const double la = torch::mse_loss(a.net->forward(a.x), a.y).item<double>();
    const double lb = torch::mse_loss(b.net->forward(b.x), b.y).item<double>();
    EXPECT_LT(la, 0.05 * l0);
    EXPECT_NEAR(la, lb, 0.002 * l0) << "weight_decay " << wd;
  }
}

TEST(FusedAdam, MatchesLibTorchAdamW) {
  auto a = make_problem(2), b = make_problem(2);
  auto opts = torch::optim::AdamWOptions(3e-3).weight_decay(0.05);
  torch::optim::AdamW ref(a.net->parameters(), opts);
  FusedAdamW fused(b.net->parameters(), opts);
  train(a, ref, 200);
  train(b, fused, 200);
  EXPECT_LT(max_param_diff(a, b), 2e-5);
}

TEST(FusedAdam, StateIsInterchangeableWithLibTorchAdam) {
  test::TempDir dir;
  auto a = make_problem(3), b = make_problem(3);
  torch::optim::Adam ref(a.net->parameters(), torch::optim::AdamOptions(1e-3));
  FusedAdam fused(b.net->parameters(), torch::optim::AdamOptions(1e-3));
  train(a, ref, 20);
  train(b, fused, 20);
  // Save the fused state, load it into a LibTorch Adam over b's parameters, continue both.
  torch::serialize::OutputArchive out;
  fused.save(out);
  out.save_to(dir.file("opt.pt"));
  torch::optim::Adam resumed(b.net->parameters(), torch::optim::AdamOptions(1e-3));
  torch::serialize::InputArchive in;
  in.load_from(dir.file("opt.pt"));
  resumed.load(in);
  train(a, ref, 20);
  train(b, resumed, 20);
  EXPECT_LT(max_param_diff(a, b), 2e-5);
}

TEST(FusedAdam, FallsBackForAmsgradAndDoublePrecision) {
  auto a = make_problem(4), b = make_problem(4);
  a.net->to(torch::kDouble);
  b.net->to(torch::kDouble);
  a.x = a.x.to(torch::kDouble), a.y = a.y.to(torch::kDouble);
  b.x = b.x.to(torch::kDouble), b.y = b.y.to(torch::kDouble);
  torch::optim::Adam ref(a.net->parameters(), torch::optim::AdamOptions(1e-3).amsgrad(true));
  FusedAdam fused(b.net->parameters(), torch::optim::AdamOptions(1e-3).amsgrad(true));
  train(a, ref, 10);
  train(b, fused, 10);
  EXPECT_EQ(max_param_diff(a, b), 0.0);
}

TEST(FusedAdam, KernelMatchesTheFormulaInDouble) {
  // One element, two steps, against the update written out in double precision.
  float p = 0.5f, m = 0.f, v = 0.f;
  double pd = 0.5, md = 0, vd = 0;
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
  for (int t = 1; t <= 2; ++t) {
    const float g = 0.3f * t;
    fused_adam_update(&p, &g, &m, &v, 1, lr, b1, b2, eps, wd, 1.0, t);
    const double gd = 0.3 * t + wd * pd;
    md = b1 * md + (1 - b1) * gd;
    vd = b2 * vd + (1 - b2) * gd * gd;
    pd -= lr / (1 - std::pow(b1, t)) * md / (std::sqrt(vd) / std::sqrt(1 - std::pow(b2, t)) + eps);
  }
  EXPECT_NEAR(p, pd, 1e-6);
  EXPECT_NEAR(m, md, 1e-6);
  EXPECT_NEAR(v, vd, 1e-6);
}

TEST(FusedAdam, VectorisedKernelGivesTheBitsOfOneElementAtATime) {
  // 1003 elements: full vector blocks of every width plus a tail. The vectorised loop must
  // give, bit for bit, what the element-by-element formula gives (no FMA contraction, exact
  // IEEE sqrt and division).
  torch::manual_seed(5);
  const int64_t n = 1003;
  auto p = torch::randn({n}), g = torch::randn({n}), m = torch::randn({n}) * 0.1,
       v = torch::rand({n}) * 0.01;
  auto p1 = p.clone(), m1 = m.clone(), v1 = v.clone();
  auto update = [](torch::Tensor& p,
                   const torch::Tensor& g,
                   torch::Tensor& m,
                   torch::Tensor& v,
                   int64_t at,
                   int64_t count,
                   int64_t t) {
    fused_adam_update(p.data_ptr<float>() + at,
                      g.data_ptr<float>() + at,
                      m.data_ptr<float>() + at,
                      v.data_ptr<float>() + at,
                      count,
                      1e-3,
                      0.9,
                      0.999,
                      1e-8,
                      0.01,
                      0.999,
                      t);
  };
  for (int64_t t = 1; t <= 3; ++t) {
    update(p, g, m, v, 0, n, t);
    for (int64_t i = 0; i < n; ++i)
      update(p1, g, m1, v1, i, 1, t);
  }
  EXPECT_TRUE(torch::equal(p, p1));
  EXPECT_TRUE(torch::equal(m, m1));
  EXPECT_TRUE(torch::equal(v, v1));
  EXPECT_FALSE(torch::equal(p, p1 * 0 + 1));  // the tensors are real data
}
