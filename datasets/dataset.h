#pragma once
// Data sets as in-memory tensors: loaded once, split, normalised, then batched by index
// selection (no per-example work on the hot path).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aezoo {

/// How inputs were scaled; stored with runs and exports so users can invert it.
enum class Normalization {
  /// Leave values as read (CSV, synthetic data).
  none,
  /// Divide 8-bit pixel values by 255 to [0, 1] (the default for images; needed by a
  /// Bernoulli decoder).
  unit,
  /// Subtract the per-feature mean and divide by the per-feature std of the TRAINING split.
  standard,
};
Normalization normalization_from_string(const std::string& s);  // throws std::invalid_argument
std::string to_string(Normalization n);

/// What to load. Filled from the `data:` section of an experiment by the config layer.
struct DataOptions {
  /// fashion_mnist | mnist | idx | csv | gaussian_mixture | circle | spiral | swiss_roll |
  /// line | sphere. Default: fashion_mnist.
  std::string dataset = "fashion_mnist";
  /// Folder holding the IDX files (fashion_mnist, mnist, idx). Default for fashion_mnist:
  /// /usr/share/datasets/fashion-mnist.
  std::string root;
  /// idx: file names inside root (gzip or raw). Defaults are the MNIST names:
  /// train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-...
  std::string train_images, train_labels, test_images, test_labels;
  /// csv: path of the training table and, optionally, of a test table.
  std::string train_file, test_file;
  /// csv: the first row holds column names. Default: true.
  bool header = true;
  /// csv: name (with header) or 0-based index of a label column to keep out of x; empty for none.
  std::string label_column;
  /// Fraction of the training examples held out for validation, in [0, 1). Default: 0.1.
  double val_fraction = 0.1;
  /// Use only the first N training (and N test) examples; 0 = all. Default: 0.
  int64_t limit = 0;
  /// unit | standard | none. Default: unit for image data sets, none otherwise.
  std::string normalize;
  /// synthetic: number of points in total (split like the others). Default: 2000.
  int64_t num_points = 2000;
  /// synthetic: standard deviation of Gaussian noise added off the manifold. Default: 0.05.
  double noise = 0.05;
  /// synthetic: ambient dimension for gaussian_mixture and line (>= 1). Default: 2.
  int64_t dim = 2;
  /// synthetic: number of mixture components for gaussian_mixture. Default: 4.
  int64_t components = 4;
  /// Seed of the synthetic generator and of the train/validation split. Default: 0.
  uint64_t seed = 0;
};

/// The loaded, split and normalised data.
struct Dataset {
  std::string name;
  /// Shape of one example, e.g. {1, 28, 28} or {2}.
  std::vector<int64_t> input_shape;
  /// True for image data (PNG grids are written for these).
  bool is_image = false;
  /// Float32 inputs [N, *input_shape]; labels int64 [N] or undefined when there are none.
  torch::Tensor train_x, train_y, val_x, val_y, test_x, test_y;
  /// Normalisation applied, and its statistics (standard: per-feature mean/std of training
  /// data, shape input_shape; otherwise undefined).
  Normalization normalization = Normalization::none;
  torch::Tensor mean, std;
  /// Where each split came from (file paths or generator description), for messages and
  /// metadata.
  std::string source;
  /// Number of classes when labels exist (max label + 1), else 0.
  int64_t num_classes = 0;

  /// Maps normalised values back to data units (for images: to [0, 1]).
  torch::Tensor denormalize(const torch::Tensor& x) const;
};

/// Loads, splits and normalises per `options`. Throws aezoo::DataError naming the file and
/// the problem, or std::invalid_argument for an unknown data set / bad option value.
Dataset load_dataset(const DataOptions& options);

/// Names accepted in DataOptions::dataset, for `aezoo list` and error messages.
std::vector<std::string> dataset_names();

/// Iterates over minibatches of `x` (and `y` if defined) in the order of `perm` (or in order
/// when `perm` is undefined). Each batch is one index_select on the in-memory tensor.
class BatchIterator {
 public:
  BatchIterator(torch::Tensor x, torch::Tensor y, int64_t batch_size, torch::Tensor perm = {});
  int64_t num_batches() const;
  /// Batch i (0-based): inputs and labels (labels undefined when y is undefined).
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t i) const;

 private:
  torch::Tensor x_, y_, perm_;
  int64_t batch_size_;
  int64_t n_;
};

}  // namespace aezoo
