#pragma once
// Random MNIST-like IDX files (gzip) for the end-to-end tests of image data.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "datasets/idx.h"
#include "test_util.h"

namespace aezoo::test {

/// The four files of the `idx` data set in `dir`: n_train and n_test images of side x side
/// uniform random bytes, with labels 0-9 (drawn from torch's global generator).
inline void write_random_idx_set(const TempDir& dir,
                                 int64_t n_train,
                                 int64_t n_test,
                                 int64_t side = 12) {
  const auto u8 = torch::TensorOptions().dtype(torch::kUInt8);
  auto imgs = [&](int64_t n) { return torch::randint(0, 256, {n, side, side}, u8); };
  auto labels = [&](int64_t n) { return torch::randint(0, 10, {n}, u8); };
  write_idx(dir.file("train-images-idx3-ubyte.gz"), imgs(n_train), true);
  write_idx(dir.file("train-labels-idx1-ubyte.gz"), labels(n_train), true);
  write_idx(dir.file("t10k-images-idx3-ubyte.gz"), imgs(n_test), true);
  write_idx(dir.file("t10k-labels-idx1-ubyte.gz"), labels(n_test), true);
}

/// An experiment file's text for the `idx` data set in `dir`: `model` and `trainer` are YAML
/// flow mappings, `out` the run directory.
inline std::string idx_experiment(const TempDir& dir,
                                  const std::string& name,
                                  const std::string& model,
                                  const std::string& trainer,
                                  const std::string& out) {
  return "name: " + name + "\ndata: {dataset: idx, root: " + dir.path().string() +
         "}\nmodel: " + model + "\ntrainer: " + trainer + "\noutput: {dir: " + out +
         ", images: true}\n";
}

}  // namespace aezoo::test
