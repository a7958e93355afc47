#pragma once
// Data sets as in-memory tensors: loaded once, split, normalised, then batched by index
// selection (no per-example work on the hot path).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
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
/// Parses "none", "unit" or "standard". Throws std::invalid_argument listing the valid names
/// for anything else (the empty string, "the data set's default", is resolved by
/// load_dataset, not here).
Normalization normalization_from_string(const std::string& s);  // throws std::invalid_argument
/// The name of `n` as accepted by normalization_from_string.
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
  /// Use only the first N training examples (train + val) and leave the test split whole, for
  /// learning curves evaluated on one test set; 0 = all. With `limit` too, the smaller count
  /// applies to train + val. Default: 0.
  int64_t train_limit = 0;
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
  /// synthetic: standard deviation of every gaussian_mixture component (isotropic, data
  /// units). Default: 0.3.
  double mixture_std = 0.3;
  /// Seed of the synthetic generator and of the train/validation split. Default: 0.
  uint64_t seed = 0;
};

/// Ground truth of a synthetic manifold (circle, spiral, swiss_roll, line, sphere) for the
/// examples of one split, row i belonging to example i. All undefined for other data sets.
/// The parameterisations are documented in datasets/synthetic.h.
struct ManifoldTruth {
  /// Intrinsic coordinates [N, k] of the noise-free point behind each example, float32.
  torch::Tensor coords;
  /// The noise-free points [N, D], float32, normalised like the inputs.
  torch::Tensor clean;
  /// Orthonormal bases [N, D, k] of the tangent space at each noise-free point, float32, in
  /// the normalised input space (with `standard` normalisation: the span of the scaled
  /// tangents, re-orthonormalised).
  torch::Tensor tangents;
  /// True when the data set has this ground truth.
  bool defined() const {
    return coords.defined();
  }
};

/// The loaded, split and normalised data.
///
/// Splits: `test` is the file's test set for IDX data (fashion_mnist, mnist, idx), the test
/// table or a seeded 20% of the training table for csv, and the last 20% of the generated
/// points for synthetic data (generated i.i.d., so this is a random split; the first 80% are
/// train + validation). DataOptions::limit keeps the first `limit` examples of train+val and
/// of test, DataOptions::train_limit the first `train_limit` of train+val only; then
/// DataOptions::val_fraction of train+val (rounded to the nearest integer) is held out as `val` by
/// a permutation seeded with DataOptions::seed. Train and val keep the file order of their
/// examples.
struct Dataset {
  /// The data set's name (DataOptions::dataset).
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
  /// Synthetic manifolds only: ground truth per split (see ManifoldTruth).
  ManifoldTruth train_manifold, val_manifold, test_manifold;

  /// Maps normalised values back to data units (for images: to [0, 1]): x * std + mean for
  /// `standard` (on x's device and dtype; x is [*, *input_shape] or [*input_shape]), x
  /// itself for `unit` and `none`.
  torch::Tensor denormalize(const torch::Tensor& x) const;
};

/// Loads, splits and normalises per `options`. Throws aezoo::DataError naming the file and
/// the problem, or std::invalid_argument for an unknown data set / bad option value (the
/// message names the option as `data.key`, e.g. "data.root is required for mnist").
///
/// - fashion_mnist, mnist, idx: IDX files under `root` (fashion_mnist's default root is
///   /usr/share/datasets/fashion-mnist; mnist and idx need one, idx may instead name the
///   files by path). A file name is tried as configured, then with ".gz" added or removed.
///   Images [N, H, W] become float32 [N, 1, H, W] (is_image), [N, C, H, W] stays as is
///   (is_image), [N, D] stays [N, D] (not an image); labels (integer, >= 0) become int64.
/// - csv: see read_csv in datasets/csv.h.
/// - gaussian_mixture, circle, spiral, swiss_roll, line, sphere: `num_points` generated
///   points, see datasets/synthetic.h.
///
/// Normalisation (DataOptions::normalize, empty for the default): `unit` divides uint8 values
/// by 255 (the default when the source holds uint8 values, i.e. IDX ubyte files; an error
/// for other data); `standard` subtracts the per-feature mean and divides by the per-feature
/// std (population std) of the training split, applied to every split, with features whose
/// std is below 1e-6 times their |mean| (constant features) only centred (std stored as 1);
/// uint8 data are first divided by 255, so mean/std are in [0, 1] units; `none` (the default
/// for float data: csv and synthetic sets) leaves values as read.
Dataset load_dataset(const DataOptions& options);

/// Names accepted in DataOptions::dataset, for `aezoo list` and error messages.
std::vector<std::string> dataset_names();

/// Iterates over minibatches of `x` (and `y` if defined) in the order of `perm` (or in order
/// when `perm` is undefined). Each batch is one index_select on the in-memory tensor (a
/// narrow, without copying, when `perm` is undefined).
class BatchIterator {
 public:
  /// `x` [N, ...]; `y` [N] or undefined; `batch_size` >= 1; `perm` undefined or a 1-D integer
  /// tensor of indices into [0, N) (typically torch::randperm(N); it may also be a subset),
  /// moved to x's device. Throws c10::Error on a mismatch.
  BatchIterator(torch::Tensor x, torch::Tensor y, int64_t batch_size, torch::Tensor perm = {});
  /// ceil(number of examples / batch_size); the last batch may be smaller.
  int64_t num_batches() const;
  /// Batch i (0-based): inputs and labels (labels undefined when y is undefined).
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t i) const;

 private:
  torch::Tensor x_, y_, perm_;
  int64_t batch_size_;
  int64_t n_;
};

}  // namespace aezoo
