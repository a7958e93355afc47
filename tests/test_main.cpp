// GoogleTest main for every aezoo test executable: seeds LibTorch, uses one thread (tests
// compare numbers, and ctest runs two executables at once), and skips *_CUDA tests when no
// GPU is present (as LibTorch's own test main does).
#include <gtest/gtest.h>
#include <torch/torch.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  torch::manual_seed(0);
  torch::set_num_threads(1);
  if (!torch::cuda::is_available()) {
    std::string filter = ::testing::GTEST_FLAG(filter);
    if (filter.find('-') == std::string::npos) {
      filter += "-*_CUDA";
    } else {
      filter += ":*_CUDA";
    }
    ::testing::GTEST_FLAG(filter) = filter;
  }
  return RUN_ALL_TESTS();
}
