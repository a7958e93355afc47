#include "trainers/probe.h"

namespace aezoo {

torch::Tensor encode_all(AutoencoderBase& model, const torch::Tensor& x, int64_t batch_size) {
  TORCH_CHECK(batch_size >= 1, "batch_size must be >= 1, got ", batch_size);
  TORCH_CHECK(x.dim() >= 1 && x.size(0) > 0, "cannot encode an empty split");
  torch::Device device = torch::kCPU;
  for (const auto& p : model.parameters()) {
    device = p.device();
    break;
  }
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> codes;
  try {
    for (int64_t i = 0; i < x.size(0); i += batch_size) {
      const auto xb = x.narrow(0, i, std::min(batch_size, x.size(0) - i)).to(device);
      codes.push_back(model.encode(xb).to(torch::kCPU, torch::kDouble));
    }
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);
  return torch::cat(codes);
}

double linear_probe_accuracy(AutoencoderBase& model,
                             const torch::Tensor& train_x,
                             const torch::Tensor& train_y,
                             const torch::Tensor& test_x,
                             const torch::Tensor& test_y,
                             int64_t num_classes,
                             const ProbeOptions& options) {
  TORCH_CHECK(num_classes >= 2, "num_classes must be >= 2, got ", num_classes);
  TORCH_CHECK(options.l2 >= 0, "l2 must be >= 0, got ", options.l2);
  TORCH_CHECK(
      options.max_iterations >= 1, "max_iterations must be >= 1, got ", options.max_iterations);
  auto check_labels = [&](const torch::Tensor& y, const torch::Tensor& x, const char* split) {
    TORCH_CHECK(y.dim() == 1 && y.size(0) == x.size(0),
                split,
                " labels must have shape [",
                x.size(0),
                "], got ",
                y.sizes());
    TORCH_CHECK(!y.is_floating_point(), split, " labels must be integers");
    TORCH_CHECK(y.min().item<int64_t>() >= 0 && y.max().item<int64_t>() < num_classes,
                split,
                " labels must be in [0, ",
                num_classes,
                ")");
  };
  check_labels(train_y, train_x, "training");
  check_labels(test_y, test_x, "test");

  auto train = encode_all(model, train_x, options.batch_size);
  auto test = encode_all(model, test_x, options.batch_size);
  const auto mean = train.mean(0);
  const auto std = train.std(0, /*unbiased=*/false).clamp_min(1e-8);
  train = (train - mean) / std;
  test = (test - mean) / std;
  const auto ytrain = train_y.to(torch::kCPU, torch::kLong);
  const auto ytest = test_y.to(torch::kCPU, torch::kLong);

  // Softmax regression: p(y | c) = softmax(W c + b), mean cross-entropy + 0.5 l2 ||W||^2.
  auto weight = torch::zeros({train.size(1), num_classes}, torch::kDouble).requires_grad_(true);
  auto bias = torch::zeros({num_classes}, torch::kDouble).requires_grad_(true);
  torch::optim::LBFGS lbfgs({weight, bias},
                            torch::optim::LBFGSOptions(1.0)
                                .max_iter(options.max_iterations)
                                .max_eval(options.max_iterations * 5 / 4 + 1)
                                .tolerance_grad(1e-9)
                                .tolerance_change(1e-12)
                                .history_size(20)
                                .line_search_fn("strong_wolfe"));
  auto closure = [&] {
    lbfgs.zero_grad();
    auto loss = torch::nn::functional::cross_entropy(torch::addmm(bias, train, weight), ytrain) +
                0.5 * options.l2 * weight.square().sum();
    loss.backward();
    return loss;
  };
  lbfgs.step(closure);

  torch::NoGradGuard no_grad;
  const auto predicted = torch::addmm(bias, test, weight).argmax(1);
  return predicted.eq(ytest).to(torch::kDouble).mean().item<double>();
}

}  // namespace aezoo
