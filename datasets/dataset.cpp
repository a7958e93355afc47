#include "datasets/dataset.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "core/error.h"
#include "datasets/csv.h"
#include "datasets/idx.h"
#include "datasets/synthetic.h"

namespace aezoo {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";
constexpr double kSyntheticTrainFraction = 0.8;  // first 80% train + val, last 20% test
constexpr double kCsvTestFraction = 0.2;         // held out from train_file without test_file

// A split before normalisation.
struct Part {
  torch::Tensor x, y;
  ManifoldTruth manifold;

  int64_t size() const {
    return x.size(0);
  }
  Part select(const torch::Tensor& index) const {
    Part p;
    p.x = x.index_select(0, index);
    if (y.defined()) {
      p.y = y.index_select(0, index);
    }
    if (manifold.defined()) {
      p.manifold.coords = manifold.coords.index_select(0, index);
      p.manifold.clean = manifold.clean.index_select(0, index);
      p.manifold.tangents = manifold.tangents.index_select(0, index);
    }
    return p;
  }
  Part head(int64_t n) const {
    return select(torch::arange(std::min(n, size()), torch::kLong));
  }
};

// Everything a loader produces: train (train + val) and test, not yet normalised.
struct Raw {
  Part train, test;
  std::vector<int64_t> input_shape;
  bool is_image = false;
  std::string source;
};

torch::Generator seeded(uint64_t seed) {
  return at::detail::createCPUGenerator(seed);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    s += (s.empty() ? "" : ", ") + x;
  }
  return s;
}

std::string shape_string(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    s += (i ? "," : "") + std::to_string(shape[i]);
  }
  return s + "]";
}

// ---- IDX -------------------------------------------------------------------------------------

// root/name, or root/name with ".gz" added or removed when only that exists.
std::string resolve_file(const std::string& root, const std::string& name) {
  const std::string path = root.empty() ? name : (fs::path(root) / name).string();
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return path;
  }
  const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  const std::string alt = gz ? path.substr(0, path.size() - 3) : path + ".gz";
  if (fs::exists(alt, ec)) {
    return alt;
  }
  std::string why = fmt::format("also tried {}", alt);
  if (!root.empty() && !fs::is_directory(root, ec)) {
    why += fmt::format("; the folder {} does not exist", root);
  }
  throw DataError(fmt::format("{}: no such file ({})", path, why));
}

// Reads an IDX images file and its labels file into one Part; checks shapes and counts.
Part read_idx_pair(const std::string& images_path, const std::string& labels_path) {
  Part p;
  torch::Tensor images = read_idx(images_path);
  if (images.dim() < 2) {
    throw DataError(
        fmt::format("{}: expected examples of 2 to 4 dimensions ([N, H, W] images, "
                    "[N, C, H, W] or [N, D]), found a 1-dimensional IDX file {}",
                    images_path,
                    shape_string(images.sizes())));
  }
  if (images.dim() == 3) {
    images = images.unsqueeze(1);
  }
  torch::Tensor labels = read_idx(labels_path);
  if (labels.dim() != 1) {
    throw DataError(
        fmt::format("{}: expected a 1-dimensional IDX file of labels, found {} "
                    "dimensions {}",
                    labels_path,
                    labels.dim(),
                    shape_string(labels.sizes())));
  }
  if (labels.is_floating_point()) {
    throw DataError(fmt::format("{}: expected integer labels, found {} values",
                                labels_path,
                                c10::toString(labels.scalar_type())));
  }
  if (images.size(0) != labels.size(0)) {
    throw DataError(
        fmt::format("{}: holds {} examples but {} holds {} labels (expected the same "
                    "count)",
                    images_path,
                    images.size(0),
                    labels_path,
                    labels.size(0)));
  }
  labels = labels.to(torch::kInt64);
  if (labels.numel() > 0 && labels.min().item<int64_t>() < 0) {
    throw DataError(fmt::format(
        "{}: expected non-negative labels, found {}", labels_path, labels.min().item<int64_t>()));
  }
  p.x = images;
  p.y = labels;
  return p;
}

Raw load_idx_set(const DataOptions& o) {
  std::string root = o.root;
  if (o.dataset == "fashion_mnist" && root.empty()) {
    root = kFashionMnistRoot;
  }
  const bool names_given = !o.train_images.empty() && !o.train_labels.empty() &&
                           !o.test_images.empty() && !o.test_labels.empty();
  if (root.empty() && (o.dataset == "mnist" || !names_given)) {
    throw std::invalid_argument(fmt::format("data.root is required for {}", o.dataset));
  }
  auto name = [](const std::string& given, const char* fallback) {
    return given.empty() ? std::string(fallback) : given;
  };
  const std::string train_images =
      resolve_file(root, name(o.train_images, "train-images-idx3-ubyte.gz"));
  const std::string train_labels =
      resolve_file(root, name(o.train_labels, "train-labels-idx1-ubyte.gz"));
  const std::string test_images =
      resolve_file(root, name(o.test_images, "t10k-images-idx3-ubyte.gz"));
  const std::string test_labels =
      resolve_file(root, name(o.test_labels, "t10k-labels-idx1-ubyte.gz"));

  Raw raw;
  raw.train = read_idx_pair(train_images, train_labels);
  raw.test = read_idx_pair(test_images, test_labels);
  const auto train_shape = raw.train.x.sizes().slice(1);
  const auto test_shape = raw.test.x.sizes().slice(1);
  if (train_shape != test_shape) {
    throw DataError(
        fmt::format("{}: examples have shape {} but the training examples ({}) have "
                    "{}",
                    test_images,
                    shape_string(test_shape),
                    train_images,
                    shape_string(train_shape)));
  }
  if (raw.train.x.scalar_type() != raw.test.x.scalar_type()) {
    throw DataError(fmt::format("{}: holds {} values but the training examples ({}) hold {}",
                                test_images,
                                c10::toString(raw.test.x.scalar_type()),
                                train_images,
                                c10::toString(raw.train.x.scalar_type())));
  }
  raw.input_shape = train_shape.vec();
  raw.is_image = raw.train.x.dim() == 4;
  raw.source = fmt::format(
      "train: {} + {}; test: {} + {}", train_images, train_labels, test_images, test_labels);
  return raw;
}

// ---- CSV -------------------------------------------------------------------------------------

Raw load_csv_set(const DataOptions& o) {
  if (o.train_file.empty()) {
    throw std::invalid_argument("data.train_file is required for csv");
  }
  const CsvTable train = read_csv(o.train_file, o.header, o.label_column);
  Raw raw;
  raw.input_shape = {train.x.size(1)};
  Part all;
  all.x = train.x;
  all.y = train.y;
  if (!o.test_file.empty()) {
    const CsvTable test = read_csv(o.test_file, o.header, o.label_column);
    if (test.num_file_columns != train.num_file_columns ||
        (o.header && test.columns != train.columns)) {
      throw DataError(fmt::format("{}: columns ({}) differ from those of {} ({})",
                                  o.test_file,
                                  join(test.columns),
                                  o.train_file,
                                  join(train.columns)));
    }
    raw.train = all;
    raw.test.x = test.x;
    raw.test.y = test.y;
    raw.source = fmt::format("train: {}; test: {}", o.train_file, o.test_file);
    return raw;
  }
  // No test table: hold out a seeded 20% (a stream independent of the validation split).
  const int64_t n = all.size();
  const int64_t n_test = std::llround(kCsvTestFraction * static_cast<double>(n));
  torch::Generator gen = seeded(o.seed ^ 0x9E3779B97F4A7C15ULL);
  const torch::Tensor perm = torch::randperm(n, gen, torch::kLong);
  raw.test = all.select(std::get<0>(perm.slice(0, 0, n_test).sort()));
  raw.train = all.select(std::get<0>(perm.slice(0, n_test).sort()));
  raw.source = fmt::format("train: {}; test: {} rows of {} held out (seed {})",
                           o.train_file,
                           n_test,
                           o.train_file,
                           o.seed);
  return raw;
}

// ---- synthetic -------------------------------------------------------------------------------

Raw load_synthetic_set(const DataOptions& o) {
  if (o.num_points < 2) {
    throw std::invalid_argument(
        fmt::format("data.num_points must be >= 2 for {}, got {}", o.dataset, o.num_points));
  }
  const SyntheticData data = generate_synthetic(o, o.num_points);
  Part all;
  all.x = data.x;
  all.y = data.y;
  all.manifold.coords = data.coords;
  all.manifold.clean = data.clean;
  all.manifold.tangents = data.tangents;
  const int64_t n = o.num_points;
  const int64_t n_train = std::llround(kSyntheticTrainFraction * static_cast<double>(n));
  Raw raw;
  raw.train = all.select(torch::arange(0, n_train, torch::kLong));
  raw.test = all.select(torch::arange(n_train, n, torch::kLong));
  raw.input_shape = {data.x.size(1)};
  raw.source = fmt::format("{}; first {} points train + validation, last {} test",
                           data.description,
                           n_train,
                           n - n_train);
  return raw;
}

// ---- normalisation ---------------------------------------------------------------------------

torch::Tensor standardize(const torch::Tensor& x,
                          const torch::Tensor& mean,
                          const torch::Tensor& std) {
  return (x - mean) / std;
}

void standardize_manifold(ManifoldTruth& m, const torch::Tensor& mean, const torch::Tensor& std) {
  if (!m.defined()) {
    return;
  }
  m.clean = standardize(m.clean, mean, std);
  // Tangent vectors scale by 1/std; orthonormalise the scaled columns again.
  const torch::Tensor scaled = m.tangents / std.view({1, -1, 1});
  m.tangents = std::get<0>(torch::linalg_qr(scaled.to(torch::kFloat64))).to(torch::kFloat32);
}

}  // namespace

Normalization normalization_from_string(const std::string& s) {
  if (s == "none") {
    return Normalization::none;
  }
  if (s == "unit") {
    return Normalization::unit;
  }
  if (s == "standard") {
    return Normalization::standard;
  }
  throw std::invalid_argument(
      fmt::format("unknown normalisation '{}' (known: unit, standard, none)", s));
}

std::string to_string(Normalization n) {
  switch (n) {
    case Normalization::none:
      return "none";
    case Normalization::unit:
      return "unit";
    case Normalization::standard:
      return "standard";
  }
  return "none";
}

std::vector<std::string> dataset_names() {
  std::vector<std::string> names = {"fashion_mnist", "mnist", "idx", "csv"};
  for (const auto& n : synthetic_dataset_names()) {
    names.push_back(n);
  }
  return names;
}

torch::Tensor Dataset::denormalize(const torch::Tensor& x) const {
  if (normalization != Normalization::standard) {
    return x;
  }
  TORCH_CHECK(mean.defined() && std.defined(),
              "Dataset::denormalize: standard normalisation without mean/std");
  return x * std.to(x.options()) + mean.to(x.options());
}

Dataset load_dataset(const DataOptions& o) {
  const auto names = dataset_names();
  if (std::find(names.begin(), names.end(), o.dataset) == names.end()) {
    throw std::invalid_argument(
        fmt::format("unknown data set '{}' (known: {})", o.dataset, join(names)));
  }
  if (!(o.val_fraction >= 0.0 && o.val_fraction < 1.0)) {
    throw std::invalid_argument(
        fmt::format("data.val_fraction must be in [0, 1), got {}", o.val_fraction));
  }
  if (o.limit < 0) {
    throw std::invalid_argument(fmt::format("data.limit must be >= 0 (0 = all), got {}", o.limit));
  }
  if (o.train_limit < 0) {
    throw std::invalid_argument(
        fmt::format("data.train_limit must be >= 0 (0 = all), got {}", o.train_limit));
  }

  Raw raw;
  if (o.dataset == "fashion_mnist" || o.dataset == "mnist" || o.dataset == "idx") {
    raw = load_idx_set(o);
  } else if (o.dataset == "csv") {
    raw = load_csv_set(o);
  } else {
    raw = load_synthetic_set(o);
  }
  const bool is_uint8 = raw.train.x.scalar_type() == torch::kUInt8;

  Normalization norm = is_uint8 ? Normalization::unit : Normalization::none;
  if (!o.normalize.empty()) {
    norm = normalization_from_string(o.normalize);
  }
  if (norm == Normalization::unit && !is_uint8) {
    throw std::invalid_argument(
        fmt::format("data.normalize: 'unit' divides 8-bit values by 255 "
                    "and applies only to uint8 data; {} holds {} values "
                    "(use standard or none)",
                    o.dataset,
                    c10::toString(raw.train.x.scalar_type())));
  }

  // limit and train_limit, then the validation split.
  if (o.limit > 0) {
    raw.train = raw.train.head(o.limit);
    raw.test = raw.test.head(o.limit);
  }
  if (o.train_limit > 0)
    raw.train = raw.train.head(o.train_limit);
  const int64_t n = raw.train.size();
  const int64_t n_val = std::llround(o.val_fraction * static_cast<double>(n));
  if (n - n_val < 1) {
    throw std::invalid_argument(
        fmt::format("data.val_fraction {} leaves no training examples "
                    "out of {}",
                    o.val_fraction,
                    n));
  }
  torch::Generator gen = seeded(o.seed);
  const torch::Tensor perm = torch::randperm(n, gen, torch::kLong);
  Part val = raw.train.select(std::get<0>(perm.slice(0, 0, n_val).sort()));
  Part train = raw.train.select(std::get<0>(perm.slice(0, n_val).sort()));
  Part test = raw.test;
  raw = Raw{{}, {}, raw.input_shape, raw.is_image, raw.source};  // free the unsplit copy now

  // Convert to float32 (each part's uint8 copy is freed as its float copy replaces it) in data
  // units ([0, 1] for uint8 unless `none`).
  const bool scale = is_uint8 && norm != Normalization::none;
  for (Part* p : {&train, &val, &test}) {
    p->x = p->x.to(torch::kFloat32);
    if (scale) {
      p->x.div_(255.0f);
    }
  }

  Dataset ds;
  ds.name = o.dataset;
  ds.input_shape = raw.input_shape;
  ds.is_image = raw.is_image;
  ds.normalization = norm;
  ds.source = raw.source;
  if (norm == Normalization::standard) {
    const torch::Tensor x64 = train.x.to(torch::kFloat64);
    const torch::Tensor mean = x64.mean(0);
    torch::Tensor std = x64.std(0, /*unbiased=*/false);
    std = torch::where(std <= 1e-6 * mean.abs(), torch::ones_like(std), std);
    ds.mean = mean.to(torch::kFloat32);
    ds.std = std.to(torch::kFloat32);
    for (Part* p : {&train, &val, &test}) {
      p->x = standardize(p->x, ds.mean, ds.std);
      standardize_manifold(p->manifold, ds.mean, ds.std);
    }
  }

  ds.train_x = train.x;
  ds.train_y = train.y;
  ds.val_x = val.x;
  ds.val_y = val.y;
  ds.test_x = test.x;
  ds.test_y = test.y;
  ds.train_manifold = train.manifold;
  ds.val_manifold = val.manifold;
  ds.test_manifold = test.manifold;
  int64_t max_label = -1;
  for (const torch::Tensor& y : {ds.train_y, ds.val_y, ds.test_y}) {
    if (y.defined() && y.numel() > 0) {
      max_label = std::max(max_label, y.max().item<int64_t>());
    }
  }
  ds.num_classes = max_label + 1;
  return ds;
}

// ---- BatchIterator ---------------------------------------------------------------------------

BatchIterator::BatchIterator(torch::Tensor x,
                             torch::Tensor y,
                             int64_t batch_size,
                             torch::Tensor perm)
    : x_(std::move(x)), y_(std::move(y)), batch_size_(batch_size) {
  TORCH_CHECK(x_.defined() && x_.dim() >= 1, "BatchIterator: x must be a tensor [N, ...]");
  TORCH_CHECK(batch_size_ >= 1, "BatchIterator: batch_size must be >= 1, got ", batch_size_);
  if (y_.defined()) {
    TORCH_CHECK(y_.size(0) == x_.size(0),
                "BatchIterator: x has ",
                x_.size(0),
                " examples but y has ",
                y_.size(0));
  }
  if (perm.defined()) {
    TORCH_CHECK(perm.dim() == 1 && !perm.is_floating_point(),
                "BatchIterator: perm must be a 1-D integer tensor, got ",
                perm.sizes(),
                " ",
                perm.scalar_type());
    perm_ = perm.to(x_.device(), torch::kLong);
    n_ = perm_.numel();
  } else {
    n_ = x_.size(0);
  }
}

int64_t BatchIterator::num_batches() const {
  return (n_ + batch_size_ - 1) / batch_size_;
}

std::pair<torch::Tensor, torch::Tensor> BatchIterator::batch(int64_t i) const {
  TORCH_CHECK(i >= 0 && i < num_batches(),
              "BatchIterator: batch index ",
              i,
              " out of range [0, ",
              num_batches(),
              ")");
  const int64_t start = i * batch_size_;
  const int64_t len = std::min(batch_size_, n_ - start);
  if (!perm_.defined()) {
    return {x_.narrow(0, start, len), y_.defined() ? y_.narrow(0, start, len) : torch::Tensor()};
  }
  const torch::Tensor index = perm_.narrow(0, start, len);
  return {x_.index_select(0, index), y_.defined() ? y_.index_select(0, index) : torch::Tensor()};
}

}  // namespace aezoo
