#include <gtest/gtest.h>
#include <torch/script.h>

#include "core/script_builder.h"
#include "test_util.h"

using namespace aezoo;

TEST(ScriptBuilder, RegistersTensorsAndMethods) {
  ScriptBuilder b("toy");
  auto w = torch::randn({3, 2});
  auto attr = b.tensor("layer.0.weight", w);
  EXPECT_EQ(attr, "self.layer_0_weight");
  b.method("def forward(self, x: Tensor) -> Tensor:\n    return torch.mm(x, " + attr + ")\n");
  EXPECT_TRUE(b.has_method("forward"));
  EXPECT_FALSE(b.has_method("encode"));
  auto m = b.build();
  auto x = torch::randn({4, 3});
  EXPECT_TRUE(torch::allclose(m.forward({x}).toTensor(), x.mm(w)));
  // The stored tensor is a copy: changing the source afterwards does not change the module.
  w.zero_();
  EXPECT_FALSE(torch::allclose(m.forward({x}).toTensor(), x.mm(w)));
}

TEST(ScriptBuilder, SavesAndLoadsWithoutAezoo) {
  test::TempDir dir;
  ScriptBuilder b("toy");
  auto bias = b.tensor("bias", torch::ones({2}));
  b.method("def forward(self, x: Tensor) -> Tensor:\n    return x + " + bias + "\n");
  b.build().save(dir.file("m.pt"));
  auto m = torch::jit::load(dir.file("m.pt"));
  EXPECT_TRUE(torch::equal(m.forward({torch::zeros({2})}).toTensor(), torch::ones({2})));
}

TEST(ScriptBuilder, RejectsInvalidSource) {
  ScriptBuilder b("bad");
  b.method("def forward(self, x: Tensor) -> Tensor:\n    return torch.no_such_op(x)\n");
  EXPECT_THROW(b.build(), c10::Error);
}

TEST(ScriptBuilder, FloatLiteralsRoundTrip) {
  for (double v : {0.1, 1.0, 1e-12, -3.0, 123456789.125}) {
    EXPECT_EQ(std::stod(script_float(v)), v);
    EXPECT_NE(script_float(v).find_first_of(".e"), std::string::npos);
  }
  EXPECT_EQ(script_int_list({1, 2, 3}), "[1, 2, 3]");
}
