// Tests of trainers/optim.cpp: the optimizer factory and the learning-rate schedules.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/autoencoder.h"
#include "trainers/optim.h"

namespace aezoo {
namespace {

constexpr int64_t kDim = 6;

Autoencoder make_model() {
  return Autoencoder(AutoencoderOptions(NetworkOptions({kDim}, 2).hidden({16}))
                         .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian)));
}

// Rank-2 data in 6 dimensions plus a little noise: a 2-unit code can reconstruct it.
torch::Tensor make_x(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto z = torch::randn({n, 2}, gen);
  auto w = torch::randn({2, kDim}, gen);
  return z.mm(w) + 0.05 * torch::randn({n, kDim}, gen);
}

// Gaussian NLL with sigma 1 minus its constant: half the mean squared error per example.
double excess_loss(Autoencoder& model, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const double constant = 0.5 * std::log(2 * M_PI) * kDim;
  return model->compute(x).loss().item<double>() - constant;
}

TEST(OptimTest, EachOptimizerDecreasesTheLoss) {
  const auto x = make_x(128, 1);
  for (const std::string& type : optimizer_names()) {
    SCOPED_TRACE(type);
    torch::manual_seed(3);
    auto model = make_model();
    OptimizerOptions o;
    o.type = type;
    o.lr = type == "sgd" ? 0.02 : 0.01;
    o.momentum = type == "sgd" ? 0.9 : 0.0;
    auto optimizer = make_optimizer(model->parameters(), o);
    const double before = excess_loss(model, x);
    for (int i = 0; i < 150; ++i) {
      optimizer->zero_grad();
      model->compute(x).loss().backward();
      optimizer->step();
    }
    const double after = excess_loss(model, x);
    EXPECT_TRUE(std::isfinite(after));
    EXPECT_LT(after, 0.3 * before) << "before " << before << ", after " << after;
  }
}

TEST(OptimTest, UnknownTypeListsValidNames) {
  auto model = make_model();
  OptimizerOptions o;
  o.type = "adma";
  try {
    make_optimizer(model->parameters(), o);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'adma'"), std::string::npos) << what;
    EXPECT_NE(what.find("adam, adamw, sgd, rmsprop"), std::string::npos) << what;
  }
}

TEST(OptimTest, InvalidOptionsThrow) {
  auto model = make_model();
  OptimizerOptions bad_lr;
  bad_lr.lr = 0;
  EXPECT_THROW(make_optimizer(model->parameters(), bad_lr), std::invalid_argument);
  OptimizerOptions nesterov;
  nesterov.type = "sgd";
  nesterov.nesterov = true;
  EXPECT_THROW(make_optimizer(model->parameters(), nesterov), std::invalid_argument);
  OptimizerOptions beta;
  beta.beta2 = 1.0;
  EXPECT_THROW(make_optimizer(model->parameters(), beta), std::invalid_argument);
}

TEST(OptimTest, OptionsReachTheOptimizer) {
  auto model = make_model();
  OptimizerOptions o;
  o.type = "adamw";
  auto adamw = make_optimizer(model->parameters(), o);
  auto& aw = static_cast<torch::optim::AdamWOptions&>(adamw->param_groups()[0].options());
  EXPECT_DOUBLE_EQ(aw.weight_decay(), 1e-2);  // adamw's default decay
  EXPECT_DOUBLE_EQ(resolved_weight_decay(o), 1e-2);

  o.type = "adam";
  o.beta1 = 0.8;
  o.lr = 0.5;
  auto adam = make_optimizer(model->parameters(), o);
  auto& a = static_cast<torch::optim::AdamOptions&>(adam->param_groups()[0].options());
  EXPECT_DOUBLE_EQ(a.weight_decay(), 0.0);
  EXPECT_DOUBLE_EQ(std::get<0>(a.betas()), 0.8);
  EXPECT_DOUBLE_EQ(get_lr(*adam), 0.5);

  o.type = "sgd";
  o.momentum = 0.7;
  o.nesterov = true;
  o.weight_decay = 0.25;
  auto sgd = make_optimizer(model->parameters(), o);
  auto& s = static_cast<torch::optim::SGDOptions&>(sgd->param_groups()[0].options());
  EXPECT_DOUBLE_EQ(s.momentum(), 0.7);
  EXPECT_TRUE(s.nesterov());
  EXPECT_DOUBLE_EQ(s.weight_decay(), 0.25);

  o.type = "rmsprop";
  o.alpha = 0.9;
  auto rms = make_optimizer(model->parameters(), o);
  auto& r = static_cast<torch::optim::RMSpropOptions&>(rms->param_groups()[0].options());
  EXPECT_DOUBLE_EQ(r.alpha(), 0.9);
  EXPECT_DOUBLE_EQ(r.momentum(), 0.7);

  set_lr(*rms, 0.125);
  EXPECT_DOUBLE_EQ(get_lr(*rms), 0.125);
  EXPECT_EQ(get_group_lrs(*rms), std::vector<double>{0.125});
}

// The lr used in each epoch, with `losses[e]` reported at the end of epoch e + 1.
std::vector<double> run_schedule(const SchedulerOptions& s,
                                 double base,
                                 int64_t epochs,
                                 const std::vector<double>& losses) {
  LrScheduler scheduler(s, base, epochs);
  std::vector<double> lrs;
  for (int64_t e = 0; e < epochs; ++e) {
    lrs.push_back(scheduler.lr());
    scheduler.step(losses.empty() ? 1.0 : losses[e]);
  }
  return lrs;
}

TEST(OptimTest, NoScheduleKeepsTheLr) {
  SchedulerOptions s;
  EXPECT_EQ(run_schedule(s, 0.1, 3, {}), (std::vector<double>{0.1, 0.1, 0.1}));
}

TEST(OptimTest, StepScheduleSequence) {
  SchedulerOptions s;
  s.type = "step";
  s.step_size = 2;
  s.gamma = 0.5;
  EXPECT_EQ(run_schedule(s, 1.0, 6, {}), (std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25}));
}

TEST(OptimTest, CosineScheduleSequence) {
  SchedulerOptions s;
  s.type = "cosine";
  s.min_lr = 0.1;
  const auto lrs = run_schedule(s, 1.0, 4, {});
  ASSERT_EQ(lrs.size(), 4u);
  const double expected[] = {1.0,
                             0.1 + 0.9 * (1 + std::sqrt(0.5)) / 2,  // cos(pi/4)
                             0.55,                                  // cos(pi/2) = 0
                             0.1 + 0.9 * (1 - std::sqrt(0.5)) / 2};
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(lrs[i], expected[i], 1e-12) << "epoch " << i + 1;
}

TEST(OptimTest, PlateauScheduleSequence) {
  SchedulerOptions s;
  s.type = "plateau";
  s.patience = 1;
  s.factor = 0.5;
  // Improvements at epochs 1, 2 and 6; more than one bad epoch in a row halves the lr.
  const std::vector<double> losses{5, 4, 4, 4, 4, 3, 3, 3, 3};
  EXPECT_EQ(run_schedule(s, 1.0, 9, losses),
            (std::vector<double>{1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25}));
  s.min_lr = 0.3;  // floor
  EXPECT_EQ(run_schedule(s, 1.0, 9, losses),
            (std::vector<double>{1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.3}));
}

TEST(OptimTest, SchedulerStateRoundTrip) {
  SchedulerOptions s;
  s.type = "plateau";
  s.patience = 2;
  LrScheduler a(s, 1.0, 10);
  for (double loss : {3.0, 2.0, 2.5, 2.5, 2.5, 2.6})
    a.step(loss);
  torch::serialize::OutputArchive out;
  a.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  LrScheduler b(s, 1.0, 10);
  b.load(in);
  EXPECT_EQ(b.lr(), a.lr());
  EXPECT_EQ(b.best(), a.best());
  EXPECT_EQ(b.bad_epochs(), a.bad_epochs());
  EXPECT_EQ(b.epochs_done(), a.epochs_done());
  EXPECT_EQ(a.lr(), 0.5);
  // Both continue identically.
  for (double loss : {2.4, 2.4, 2.4, 2.4})
    EXPECT_EQ(a.step(loss), b.step(loss));
}

TEST(OptimTest, InvalidSchedulerThrows) {
  SchedulerOptions s;
  s.type = "exponential";
  try {
    LrScheduler scheduler(s, 1.0, 3);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("none, step, cosine, plateau"), std::string::npos);
  }
  s.type = "step";
  s.step_size = 0;
  EXPECT_THROW(LrScheduler(s, 1.0, 3), std::invalid_argument);
  s.type = "plateau";
  s.step_size = 1;
  s.factor = 1.5;
  EXPECT_THROW(LrScheduler(s, 1.0, 3), std::invalid_argument);
}

}  // namespace
}  // namespace aezoo
