// Tests of models/blocks.h: activations and their derivatives against autograd, MLP and conv
// blocks, and that the TorchScript each block writes computes the same function.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/blocks.h"

using namespace aezoo;

TEST(Blocks, ActivationDerivativesMatchAutograd) {
  for (const auto& name : activation_names()) {
    const Activation a = activation_from_string(name);
    auto x = torch::linspace(-3, 3, 61, torch::kDouble).requires_grad_(true);
    // Avoid the kink of relu-like functions at exactly 0.
    x = (x + 0.013).detach().requires_grad_(true);
    auto y = apply_activation(a, x);
    auto g = torch::autograd::grad({y.sum()}, {x})[0];
    EXPECT_TRUE(torch::allclose(activation_derivative(a, x.detach()), g, 1e-10, 1e-10)) << name;
  }
  EXPECT_THROW(activation_from_string("swish"), std::invalid_argument);
}

TEST(Blocks, ScriptedActivationsMatchEager) {
  for (const auto& name : activation_names()) {
    const Activation a = activation_from_string(name);
    ScriptBuilder b("act");
    b.method("def forward(self, x: Tensor) -> Tensor:\n    return " + script_activation(a, "x") +
             "\n");
    auto m = b.build();
    auto x = torch::linspace(-30, 30, 601);
    auto y = m.forward({x}).toTensor();
    EXPECT_LE((y - apply_activation(a, x)).abs().max().item<double>(), 1e-6) << name;
  }
}

TEST(Blocks, MlpScriptMatchesEager) {
  MLP mlp(
      MLPOptions(6, {5, 4}, 3).activation(Activation::tanh).output_activation(Activation::sigmoid));
  ScriptBuilder b("mlp");
  b.method("def forward(self, x: Tensor) -> Tensor:\n" + mlp->script(b, "enc_", "x", "y") +
           "    return y\n");
  auto m = b.build();
  auto x = torch::randn({7, 2, 3});
  EXPECT_LE((m.forward({x}).toTensor() - mlp->forward(x)).abs().max().item<double>(), 1e-6);
}

TEST(Blocks, ConvPairScriptMatchesEager) {
  ConvEncoder enc(ConvEncoderOptions({2, 11, 9}, {3, 5}, 4).kernel_size(3));
  ConvDecoder dec(*enc, 4);
  ScriptBuilder b("conv");
  b.method("def encode(self, x: Tensor) -> Tensor:\n" + enc->script(b, "e_", "x", "h") +
           "    return h\n");
  b.method("def decode(self, h: Tensor) -> Tensor:\n" + dec->script(b, "d_", "h", "y") +
           "    return y\n");
  auto m = b.build();
  auto x = torch::randn({3, 2, 11, 9});
  auto h = enc->forward(x);
  EXPECT_LE((m.run_method("encode", x).toTensor() - h).abs().max().item<double>(), 1e-6);
  auto y = dec->forward(h);
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_LE((m.run_method("decode", h).toTensor() - y).abs().max().item<double>(), 1e-6);
}

TEST(Blocks, FirstPreactivationIsTheFirstAffineMap) {
  MLP mlp(MLPOptions(4, {}, 3));
  auto x = torch::randn({2, 4});
  EXPECT_TRUE(torch::allclose(mlp->first_preactivation(x), mlp->forward(x)));
  std::ostringstream s;
  mlp->pretty_print(s);
  EXPECT_EQ(s.str(),
            "aezoo::MLP(in_features=4, hidden=[], out_features=3, activation=relu, "
            "output_activation=identity, tied=false)");
}

TEST(Blocks, RowSumSquaresMatchesPowAndDifferentiatesTwice) {
  auto x = torch::randn({4, 7}, torch::kDouble).requires_grad_();
  const auto value = row_sum_squares(x);
  EXPECT_TRUE(torch::allclose(value, x.detach().square().sum(1), 1e-12, 1e-12));
  const auto w = torch::randn({4}, torch::kDouble);
  // d/dx sum_i w_i ||x_i||^2 = 2 w_i x_i ...
  const auto g = torch::autograd::grad({(value * w).sum()}, {x}, {}, true, true)[0];
  EXPECT_TRUE(torch::allclose(g, 2 * w.unsqueeze(1) * x.detach(), 1e-12, 1e-12));
  // ... and, through create_graph, d/dx sum(g * c) = 2 w_i c_i (the contractive and score
  // losses differentiate such gradients again).
  const auto c = torch::randn({4, 7}, torch::kDouble);
  const auto h = torch::autograd::grad({(g * c).sum()}, {x})[0];
  EXPECT_TRUE(torch::allclose(h, 2 * w.unsqueeze(1) * c, 1e-12, 1e-12));
  EXPECT_THROW(row_sum_squares(torch::zeros({3})), c10::Error);
}
