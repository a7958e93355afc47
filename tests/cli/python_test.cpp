// An export loads in Python with torch.jit.load and gives the values the C++ side computed.
// Skipped when no python3 with torch is found (Debian: python3-torch).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/config.h"
#include "core/export.h"
#include "core/json.h"
#include "core/registry.h"
#include "test_util.h"

using namespace aezoo;

namespace {
/// A python3 that imports torch: $AEZOO_PYTHON, Debian's /usr/bin/python3, or python3.
std::string python_with_torch() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("AEZOO_PYTHON"))
    candidates.push_back(env);
  candidates.push_back("/usr/bin/python3");
  candidates.push_back("python3");
  for (const auto& p : candidates) {
    if (std::system((p + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0)
      return p;
  }
  return "";
}

Json flat(const torch::Tensor& t) {
  Json a = Json::array();
  auto c = t.contiguous().to(torch::kDouble);
  for (int64_t i = 0; i < c.numel(); ++i)
    a.push_back(Json(c.data_ptr<double>()[i]));
  return a;
}

Json shape(const torch::Tensor& t) {
  Json a = Json::array();
  for (auto d : t.sizes())
    a.push_back(Json(static_cast<int64_t>(d)));
  return a;
}
}  // namespace

TEST(Python, ExportLoadsWithTorchJitLoad) {
  const std::string python = python_with_torch();
  if (python.empty())
    GTEST_SKIP() << "no python3 with torch (apt-get install python3-torch)";
  test::TempDir dir;
  for (const std::string type : {"autoencoder", "conv_autoencoder"}) {
    auto node = ConfigNode::load_string("type: " + type + "\nlatent_dim: 5\n", "model.yaml");
    auto model = build_model(node, {1, 12, 12});
    model->eval();
    Json meta = Json::object();
    meta["model_type"] = type;
    save_export(*model, dir.file(type + ".pt"), meta, "");
    torch::NoGradGuard ng;
    auto x = torch::rand({3, 1, 12, 12});
    auto h = torch::randn({3, 5});
    Json expected = Json::object();
    expected["x"] = flat(x);
    expected["x_shape"] = shape(x);
    expected["h"] = flat(h);
    expected["h_shape"] = shape(h);
    expected["forward"] = flat(model->forward(x));
    expected["encode"] = flat(model->encode(x));
    expected["decode"] = flat(model->decode(h));
    test::write_file(dir.file(type + ".json"), expected.dump());
    const std::string cmd = python + " " + AEZOO_SOURCE_DIR + "/tests/python/check_export.py " +
                            dir.file(type + ".pt") + " " + dir.file(type + ".json") + " >" +
                            dir.file("py.out") + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << type << ":\n" << test::read_file(dir.file("py.out"));
  }
}
