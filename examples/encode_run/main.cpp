// Loads a trained aezoo run (model and config from the run directory) and encodes a batch of
// its test data.  Usage: encode_run RUN_DIR [N]
#include <aezoo/core/error.h>
#include <aezoo/core/run.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: encode_run RUN_DIR [N]\n";
    return 2;
  }
  try {
    aezoo::LoadedRun run = aezoo::load_run(argv[1]);  // best checkpoint, eval mode
    const int64_t n = argc > 2 ? std::stoll(argv[2]) : 4;
    torch::Tensor x = run.loaded.data.test_x.narrow(0, 0, n);
    torch::NoGradGuard no_grad;
    torch::Tensor h = run.loaded.model->encode(x);
    std::cout << "model " << run.loaded.model->type() << ", codes " << h.sizes() << "\n";
    std::cout << "first code: " << h[0] << "\n";
    torch::Tensor r = run.loaded.model->forward(x);
    std::cout << "mean squared reconstruction error: " << (r - x).square().mean().item<double>()
              << "\n";
  } catch (const aezoo::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
