// Runs an aezoo export with plain LibTorch: reads the metadata stored inside the file, then
// encodes, decodes and reconstructs a random batch of the right shape.
//   Usage: run_exported model.pt [N]
#include <torch/script.h>

#include <iostream>
#include <regex>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: run_exported model.pt [N]\n";
    return 2;
  }
  torch::jit::ExtraFilesMap extra{{"metadata.json", ""}, {"config.yaml", ""}};
  torch::jit::Module m;
  try {
    m = torch::jit::load(argv[1], torch::kCPU, extra);
  } catch (const c10::Error& e) {
    std::cerr << "error: " << argv[1] << ": cannot load (" << e.what_without_backtrace() << ")\n";
    return 1;
  }
  // "input_shape": [1, 28, 28] from the metadata JSON.
  std::smatch match;
  const std::string& meta = extra["metadata.json"];
  if (!std::regex_search(meta, match, std::regex("\"input_shape\": \\[([0-9, ]*)\\]"))) {
    std::cerr << "error: " << argv[1] << ": no input_shape in metadata.json\n";
    return 1;
  }
  std::vector<int64_t> shape = {argc > 2 ? std::stoll(argv[2]) : 3};
  std::stringstream dims(match[1].str());
  for (std::string d; std::getline(dims, d, ',');)
    shape.push_back(std::stoll(d));
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::rand(shape);
  torch::Tensor h = m.run_method("encode", x).toTensor();
  torch::Tensor y = m.run_method("decode", h).toTensor();
  torch::Tensor r = m.forward({x}).toTensor();
  std::cout << "metadata: " << meta << "\n";
  std::cout << "encode " << x.sizes() << " -> " << h.sizes() << ", decode -> " << y.sizes()
            << ", forward == decode(encode): " << (torch::allclose(r, y) ? "yes" : "no") << "\n";
  return torch::allclose(r, y) ? 0 : 1;
}
