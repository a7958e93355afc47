// Every registered model builds from a minimal YAML section, rejects unknown keys, and
// trains a step; unknown types list the known ones.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/config.h"
#include "core/error.h"
#include "core/registry.h"

using namespace aezoo;

namespace {
const std::vector<int64_t> kImage = {1, 12, 12};

ModelPtr build(const std::string& yaml, const std::vector<int64_t>& shape = kImage) {
  auto node = ConfigNode::load_string(yaml, "model.yaml");
  return build_model(node, shape);
}

std::string error_of(const std::string& yaml, const std::vector<int64_t>& shape = kImage) {
  try {
    build(yaml, shape);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Registry, ListsTheBuiltinModels) {
  auto names = model_names();
  for (const char* n : {"autoencoder", "linear_autoencoder", "conv_autoencoder"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  for (const auto& e : model_registry())
    EXPECT_FALSE(e.summary.empty()) << e.name;
}

TEST(Registry, EveryModelBuildsFromMinimalYamlAndTrainsAStep) {
  for (const auto& name : model_names()) {
    torch::manual_seed(0);
    // Score models have no code size: their code is the point itself.
    const bool score = name == "score_model";
    auto model = build("type: " + name + (score ? "\n" : "\nlatent_dim: 3\n"));
    ASSERT_TRUE(model) << name;
    EXPECT_EQ(model->type(), name);
    EXPECT_EQ(model->code_dim(), score ? 144 : 3);
    EXPECT_EQ(model->input_shape(), kImage);
    auto x = torch::rand({16, 1, 12, 12});
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
    model->train();
    auto before = model->compute(x).loss();
    opt.zero_grad();
    before.backward();
    opt.step();
    auto after = model->compute(x).loss();
    EXPECT_TRUE(std::isfinite(after.item<double>())) << name;
    EXPECT_LT(after.item<double>(), before.item<double>()) << name;
  }
}

TEST(Registry, UnknownModelListsTheKnownOnes) {
  const std::string msg = error_of("type: vea\nlatent_dim: 3\n");
  EXPECT_NE(msg.find("model.yaml:1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown model 'vea' (known: autoencoder"), std::string::npos) << msg;
}

TEST(Registry, UnknownOptionIsAnErrorListingTheAllowedKeys) {
  const std::string msg = error_of("type: autoencoder\nlatent_dim: 3\nlatnet_dim: 4\n");
  EXPECT_NE(msg.find("model.yaml:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("latnet_dim"), std::string::npos) << msg;
  EXPECT_NE(msg.find("latent_dim"), std::string::npos) << msg;
  // Options of other architectures are not silently accepted either.
  EXPECT_NE(error_of("type: autoencoder\nlatent_dim: 3\nchannels: [4]\n").find("channels"),
            std::string::npos);
}

TEST(Registry, BadValuesNameTheKey) {
  EXPECT_NE(error_of("type: autoencoder\nlatent_dim: 0\n").find("latent_dim"), std::string::npos);
  EXPECT_NE(error_of("type: autoencoder\nlatent_dim: 2\nactivation: swish\n").find("relu"),
            std::string::npos);
  EXPECT_NE(error_of("type: autoencoder\nlatent_dim: 2\nlikelihood: poisson\n").find("bernoulli"),
            std::string::npos);
  EXPECT_NE(error_of("type: conv_autoencoder\nlatent_dim: 2\n", {5}).find("image"),
            std::string::npos);
  EXPECT_NE(error_of("latent_dim: 2\n").find("type"), std::string::npos);
}
