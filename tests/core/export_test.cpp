// Export parity (issue: TorchScript export): every registered model is exported, reloaded
// with torch::jit::load and each method compared with the in-memory module in eval mode.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>

#include "core/config.h"
#include "core/error.h"
#include "core/export.h"
#include "core/json.h"
#include "core/registry.h"
#include "test_util.h"

using namespace aezoo;

namespace {
const std::vector<int64_t> kImage = {1, 12, 12};

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a - b).abs().max().item<double>();
}

ModelPtr build(const std::string& name) {
  // Score models have no latent_dim: their code is the point itself.
  const std::string latent = name == "score_model" ? "" : "latent_dim: 4\n";
  auto node = ConfigNode::load_string("type: " + name + "\n" + latent, "model.yaml");
  return build_model(node, kImage);
}
}  // namespace

TEST(Export, EveryModelMatchesItsExport) {
  test::TempDir dir;
  for (const auto& name : model_names()) {
    torch::manual_seed(1);
    auto model = build(name);
    model->eval();
    Json meta = Json::object();
    meta["model_type"] = name;
    const std::string path = dir.file(name + ".pt");
    save_export(*model, path, meta, "name: test\n");
    auto loaded = torch::jit::load(path);
    auto x = torch::rand({5, 1, 12, 12});
    auto h = torch::randn({5, model->code_dim()});
    torch::NoGradGuard ng;
    EXPECT_LE(max_diff(loaded.forward({x}).toTensor(), model->forward(x)), 1e-6) << name;
    EXPECT_LE(max_diff(loaded.run_method("encode", x).toTensor(), model->encode(x)), 1e-6) << name;
    EXPECT_LE(max_diff(loaded.run_method("decode", h).toTensor(), model->decode(h)), 1e-6) << name;
    auto [config, meta_back] = read_export_extras(path);
    EXPECT_EQ(config, "name: test\n");
    EXPECT_EQ(meta_back.at("model_type").as_string(), name);
    EXPECT_FALSE(loaded.is_training());
  }
}

TEST(Export, MissingOrForeignFileIsAnError) {
  test::TempDir dir;
  EXPECT_THROW(read_export_extras(dir.file("none.pt")), Error);
  test::write_file(dir.file("junk.pt"), "not a zip archive");
  EXPECT_THROW(read_export_extras(dir.file("junk.pt")), Error);
}

TEST(Export, ExportedModuleRunsOnCuda_CUDA) {
  auto model = build("autoencoder");
  model->eval();
  test::TempDir dir;
  save_export(*model, dir.file("m.pt"), Json::object(), "");
  auto loaded = torch::jit::load(dir.file("m.pt"), torch::kCUDA);
  auto x = torch::rand({5, 1, 12, 12});
  torch::NoGradGuard ng;
  auto y = loaded.forward({x.to(torch::kCUDA)}).toTensor().cpu();
  EXPECT_LE(max_diff(y, model->forward(x)), 1e-5);
}
