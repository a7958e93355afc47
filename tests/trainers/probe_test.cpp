// Tests of trainers/probe.h: a linear probe on the codes of an identity encoder separates
// linearly separable classes and is at chance on random labels.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/autoencoder.h"
#include "trainers/probe.h"

using namespace aezoo;

namespace {

// A linear autoencoder whose encoder is the identity: the probe sees the raw inputs.
Autoencoder identity_encoder(int64_t D) {
  auto m = Autoencoder(
      AutoencoderOptions(NetworkOptions({D}, D).hidden({}).activation(Activation::identity)));
  torch::NoGradGuard ng;
  auto p = m->network->named_parameters();
  p["encoder.weight0"].copy_(torch::eye(D));
  p["encoder.bias0"].zero_();
  return m;
}

}  // namespace

TEST(LinearProbe, SeparatesLinearlySeparableClasses) {
  torch::manual_seed(0);
  const int64_t D = 8, C = 3;
  auto W = torch::randn({D, C});
  auto sample = [&](int64_t n) {
    auto x = torch::randn({n, D});
    return std::make_pair(x, x.mm(W).argmax(1));  // labels from a linear rule
  };
  auto [train_x, train_y] = sample(3000);
  auto [test_x, test_y] = sample(2000);
  auto m = identity_encoder(D);
  EXPECT_TRUE(torch::equal(m->encode(test_x), test_x));
  const double acc = linear_probe_accuracy(*m, train_x, train_y, test_x, test_y, C);
  EXPECT_GT(acc, 0.95);
  EXPECT_TRUE(m->is_training());  // the training flag is restored
  // Deterministic: the same inputs give the same accuracy.
  EXPECT_EQ(linear_probe_accuracy(*m, train_x, train_y, test_x, test_y, C), acc);
}

TEST(LinearProbe, RandomLabelsGiveChance) {
  torch::manual_seed(1);
  const int64_t D = 8, C = 4, n = 4000;
  auto m = identity_encoder(D);
  auto train_x = torch::randn({n, D}), test_x = torch::randn({n, D});
  auto train_y = torch::randint(0, C, {n}), test_y = torch::randint(0, C, {n});
  const double acc = linear_probe_accuracy(*m, train_x, train_y, test_x, test_y, C);
  // Chance is 1/4; the standard error of an accuracy over 4000 examples is 0.007.
  EXPECT_NEAR(acc, 0.25, 0.035);
}

TEST(LinearProbe, RejectsBadLabels) {
  auto m = identity_encoder(3);
  auto x = torch::randn({10, 3});
  auto y = torch::randint(0, 2, {10});
  EXPECT_THROW(linear_probe_accuracy(*m, x, y + 5, x, y, 2), c10::Error);
  EXPECT_THROW(linear_probe_accuracy(*m, x, y.to(torch::kFloat), x, y, 2), c10::Error);
  EXPECT_THROW(linear_probe_accuracy(*m, x, y.narrow(0, 0, 5), x, y, 2), c10::Error);
  EXPECT_THROW(linear_probe_accuracy(*m, x, y, x, y, 1), c10::Error);
}
