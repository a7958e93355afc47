// Tests of datasets/dataset.h: the IDX data sets, splits, normalisation and batching.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "datasets/dataset.h"
#include "datasets/idx.h"
#include "test_util.h"

namespace aezoo {
namespace {

using test::TempDir;

template <typename F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected aezoo::DataError";
  return "";
}

template <typename F>
std::string invalid_argument(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return "";
}

// An MNIST-like folder: n_train / n_test random 28x28 images whose first pixel holds the
// example's index (mod 256), and labels index % 10.
struct FakeMnist {
  TempDir dir;
  torch::Tensor train_images, test_images;

  FakeMnist(int64_t n_train, int64_t n_test, bool gzip = true, int64_t side = 28) {
    train_images = make_images(n_train, side);
    test_images = make_images(n_test, side);
    const std::string ext = gzip ? ".gz" : "";
    write_idx(dir.file("train-images-idx3-ubyte" + ext), train_images, gzip);
    write_idx(dir.file("train-labels-idx1-ubyte" + ext), labels(n_train), gzip);
    write_idx(dir.file("t10k-images-idx3-ubyte" + ext), test_images, gzip);
    write_idx(dir.file("t10k-labels-idx1-ubyte" + ext), labels(n_test), gzip);
  }
  static torch::Tensor make_images(int64_t n, int64_t side) {
    torch::Tensor x = torch::randint(0, 256, {n, side, side}, torch::kUInt8);
    x.select(2, 0).select(1, 0).copy_(torch::arange(n) % 256);
    return x;
  }
  static torch::Tensor labels(int64_t n) {
    return (torch::arange(n) % 10).to(torch::kUInt8);
  }
  DataOptions options() const {
    DataOptions o;
    o.dataset = "mnist";
    o.root = dir.path().string();
    return o;
  }
};

TEST(DatasetTest, NamesAndNormalisationStrings) {
  const auto names = dataset_names();
  for (const char* n : {"fashion_mnist",
                        "mnist",
                        "idx",
                        "csv",
                        "gaussian_mixture",
                        "circle",
                        "spiral",
                        "swiss_roll",
                        "line",
                        "sphere"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  for (const auto n : {Normalization::none, Normalization::unit, Normalization::standard}) {
    EXPECT_EQ(normalization_from_string(to_string(n)), n);
  }
  EXPECT_EQ(invalid_argument([] { normalization_from_string("minmax"); }),
            "unknown normalisation 'minmax' (known: unit, standard, none)");
  EXPECT_THROW(normalization_from_string(""), std::invalid_argument);
}

TEST(DatasetTest, UnknownDataSet) {
  DataOptions o;
  o.dataset = "mnsit";
  EXPECT_EQ(invalid_argument([&] { load_dataset(o); }),
            "unknown data set 'mnsit' (known: fashion_mnist, mnist, idx, csv, gaussian_mixture, "
            "circle, spiral, swiss_roll, line, sphere)");
}

TEST(DatasetTest, MnistNeedsRoot) {
  DataOptions o;
  o.dataset = "mnist";
  EXPECT_EQ(invalid_argument([&] { load_dataset(o); }), "data.root is required for mnist");
}

TEST(DatasetTest, LoadsMnistLikeFolder) {
  FakeMnist m(100, 30);
  DataOptions o = m.options();
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.name, "mnist");
  EXPECT_TRUE(ds.is_image);
  EXPECT_EQ(ds.input_shape, (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(ds.train_x.sizes(), (std::vector<int64_t>{90, 1, 28, 28}));
  EXPECT_EQ(ds.val_x.sizes(), (std::vector<int64_t>{10, 1, 28, 28}));
  EXPECT_EQ(ds.test_x.sizes(), (std::vector<int64_t>{30, 1, 28, 28}));
  EXPECT_EQ(ds.train_y.sizes(), (std::vector<int64_t>{90}));
  EXPECT_EQ(ds.train_x.scalar_type(), torch::kFloat32);
  EXPECT_EQ(ds.train_y.scalar_type(), torch::kInt64);
  EXPECT_EQ(ds.normalization, Normalization::unit);
  EXPECT_EQ(ds.num_classes, 10);
  EXPECT_FALSE(ds.train_manifold.defined());
  // unit: exactly the bytes / 255, labels alongside, and the test set in file order.
  EXPECT_TRUE(torch::equal(ds.test_x, m.test_images.unsqueeze(1).to(torch::kFloat32) / 255));
  for (int64_t i = 0; i < ds.train_x.size(0); ++i) {
    const int64_t id = std::lround(ds.train_x[i][0][0][0].item<float>() * 255);
    ASSERT_EQ(ds.train_y[i].item<int64_t>(), id % 10);
    ASSERT_TRUE(torch::equal(ds.train_x[i][0], m.train_images[id].to(torch::kFloat32) / 255));
  }
  EXPECT_TRUE(torch::equal(ds.denormalize(ds.train_x), ds.train_x));
  EXPECT_NE(ds.source.find(m.dir.file("train-images-idx3-ubyte.gz")), std::string::npos)
      << ds.source;
}

TEST(DatasetTest, IdxAcceptsNamesWithOrWithoutGz) {
  FakeMnist raw(20, 5, /*gzip=*/false);
  DataOptions o = raw.options();
  o.dataset = "idx";
  o.train_images = "train-images-idx3-ubyte.gz";  // only the raw file exists
  EXPECT_EQ(load_dataset(o).train_x.size(0) + load_dataset(o).val_x.size(0), 20);
  FakeMnist gz(20, 5, /*gzip=*/true);
  o.root = gz.dir.path().string();
  o.train_images = "train-images-idx3-ubyte";  // only the .gz exists
  EXPECT_EQ(load_dataset(o).test_x.size(0), 5);
}

TEST(DatasetTest, IdxByPathWithoutRootAndOtherShapes) {
  FakeMnist m(20, 5, true, /*side=*/8);
  DataOptions o;
  o.dataset = "idx";
  EXPECT_EQ(invalid_argument([&] { load_dataset(o); }), "data.root is required for idx");
  o.train_images = m.dir.file("train-images-idx3-ubyte.gz");
  o.train_labels = m.dir.file("train-labels-idx1-ubyte.gz");
  o.test_images = m.dir.file("t10k-images-idx3-ubyte.gz");
  o.test_labels = m.dir.file("t10k-labels-idx1-ubyte.gz");
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.input_shape, (std::vector<int64_t>{1, 8, 8}));

  // [N, D] float data: not an image, no default scaling.
  TempDir dir;
  write_idx(dir.file("train-images-idx3-ubyte.gz"), torch::randn({40, 6}), true);
  write_idx(dir.file("train-labels-idx1-ubyte.gz"), torch::zeros({40}, torch::kInt32), true);
  write_idx(dir.file("t10k-images-idx3-ubyte.gz"), torch::randn({8, 6}), true);
  write_idx(dir.file("t10k-labels-idx1-ubyte.gz"), torch::ones({8}, torch::kInt32), true);
  DataOptions f;
  f.dataset = "idx";
  f.root = dir.path().string();
  const Dataset flat = load_dataset(f);
  EXPECT_FALSE(flat.is_image);
  EXPECT_EQ(flat.input_shape, (std::vector<int64_t>{6}));
  EXPECT_EQ(flat.normalization, Normalization::none);
  EXPECT_EQ(flat.num_classes, 2);
  EXPECT_TRUE(torch::equal(flat.test_x, read_idx(dir.file("t10k-images-idx3-ubyte.gz"))));
}

TEST(DatasetTest, MissingFiles) {
  TempDir dir;
  DataOptions o;
  o.dataset = "mnist";
  o.root = dir.path().string();
  const std::string msg = data_error([&] { load_dataset(o); });
  const std::string path = dir.file("train-images-idx3-ubyte.gz");
  EXPECT_EQ(msg, path + ": no such file (also tried " + dir.file("train-images-idx3-ubyte") + ")");
  o.root = dir.file("absent");
  const std::string msg2 = data_error([&] { load_dataset(o); });
  EXPECT_NE(msg2.find("no such file"), std::string::npos) << msg2;
  EXPECT_NE(msg2.find("the folder " + dir.file("absent") + " does not exist"), std::string::npos)
      << msg2;
}

TEST(DatasetTest, ImageAndLabelCountsMustMatch) {
  FakeMnist m(50, 10);
  const std::string labels = m.dir.file("t10k-labels-idx1-ubyte.gz");
  write_idx(labels, FakeMnist::labels(9), true);
  const std::string msg = data_error([&] { load_dataset(m.options()); });
  EXPECT_EQ(msg,
            m.dir.file("t10k-images-idx3-ubyte.gz") + ": holds 10 examples but " + labels +
                " holds 9 labels (expected the same count)");
}

TEST(DatasetTest, LabelsFileMustBeOneDimensional) {
  FakeMnist m(50, 10);
  const std::string labels = m.dir.file("train-labels-idx1-ubyte.gz");
  write_idx(labels, torch::zeros({50, 2}, torch::kUInt8), true);
  const std::string msg = data_error([&] { load_dataset(m.options()); });
  EXPECT_EQ(msg.rfind(labels + ": expected a 1-dimensional IDX file of labels, found 2", 0), 0u)
      << msg;
}

TEST(DatasetTest, TestImagesMustMatchTrainingShape) {
  FakeMnist m(50, 10);
  const std::string test_images = m.dir.file("t10k-images-idx3-ubyte.gz");
  write_idx(test_images, torch::zeros({10, 32, 32}, torch::kUInt8), true);
  const std::string msg = data_error([&] { load_dataset(m.options()); });
  EXPECT_EQ(msg.rfind(test_images + ": examples have shape [1,32,32]", 0), 0u) << msg;
}

TEST(DatasetTest, CorruptFileErrorsReachTheCaller) {
  FakeMnist m(50, 10);
  const std::string images = m.dir.file("train-images-idx3-ubyte.gz");
  const std::string bytes = test::read_file(images);
  test::write_file(images, bytes.substr(0, bytes.size() - 100));
  const std::string msg = data_error([&] { load_dataset(m.options()); });
  EXPECT_EQ(msg.rfind(images + ": truncated IDX file: expected 39200 bytes of data, found ", 0), 0u)
      << msg;
}

TEST(DatasetTest, SplitSizesAndDeterminism) {
  FakeMnist m(200, 40);
  DataOptions o = m.options();
  o.val_fraction = 0.25;
  o.seed = 5;
  const Dataset a = load_dataset(o);
  EXPECT_EQ(a.train_x.size(0), 150);
  EXPECT_EQ(a.val_x.size(0), 50);
  const Dataset b = load_dataset(o);
  EXPECT_TRUE(torch::equal(a.train_x, b.train_x));
  EXPECT_TRUE(torch::equal(a.val_y, b.val_y));
  // Train and val partition the training file, each in file order.
  auto ids = [](const torch::Tensor& x) {
    return (x.select(1, 0).select(1, 0).select(1, 0) * 255).round().to(torch::kLong);
  };
  const torch::Tensor all = torch::cat({ids(a.train_x), ids(a.val_x)});
  EXPECT_TRUE(torch::equal(std::get<0>(all.sort()), torch::arange(200)));
  EXPECT_TRUE(torch::equal(ids(a.train_x), std::get<0>(ids(a.train_x).sort())));
  EXPECT_TRUE(torch::equal(ids(a.val_x), std::get<0>(ids(a.val_x).sort())));
  o.seed = 6;
  EXPECT_FALSE(torch::equal(ids(load_dataset(o).val_x), ids(a.val_x)));
  o.val_fraction = 0;
  const Dataset none = load_dataset(o);
  EXPECT_EQ(none.train_x.size(0), 200);
  EXPECT_EQ(none.val_x.size(0), 0);
  for (const double bad : {-0.1, 1.0, std::nan("")}) {
    o.val_fraction = bad;
    EXPECT_THROW(load_dataset(o), std::invalid_argument);
  }
}

TEST(DatasetTest, LimitKeepsFirstExamplesBeforeTheSplit) {
  FakeMnist m(200, 40);
  DataOptions o = m.options();
  o.limit = 30;
  o.val_fraction = 0.2;
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.size(0), 24);
  EXPECT_EQ(ds.val_x.size(0), 6);
  EXPECT_EQ(ds.test_x.size(0), 30);
  const torch::Tensor ids =
      (torch::cat({ds.train_x, ds.val_x}).select(1, 0).select(1, 0).select(1, 0) * 255).round();
  EXPECT_LT(ids.max().item<float>(), 30.0f);
  EXPECT_TRUE(torch::equal(ds.test_x,
                           m.test_images.slice(0, 0, 30).unsqueeze(1).to(torch::kFloat32) / 255));
  o.limit = -1;
  EXPECT_THROW(load_dataset(o), std::invalid_argument);
}

TEST(DatasetTest, TrainLimitKeepsTheWholeTestSplit) {
  FakeMnist m(200, 40);
  DataOptions o = m.options();
  o.train_limit = 50;
  o.val_fraction = 0.2;
  Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.size(0), 40);
  EXPECT_EQ(ds.val_x.size(0), 10);
  EXPECT_EQ(ds.test_x.size(0), 40);
  const torch::Tensor ids =
      (torch::cat({ds.train_x, ds.val_x}).select(1, 0).select(1, 0).select(1, 0) * 255).round();
  EXPECT_LT(ids.max().item<float>(), 50.0f);
  // With limit too, the smaller count applies to train + val; limit alone cuts the test split.
  o.limit = 30;
  ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.size(0) + ds.val_x.size(0), 30);
  EXPECT_EQ(ds.test_x.size(0), 30);
  o.limit = 0;
  o.train_limit = 120;
  ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.size(0) + ds.val_x.size(0), 120);
  o.train_limit = -2;
  EXPECT_THROW(load_dataset(o), std::invalid_argument);
}

TEST(DatasetTest, StandardNormalisationUsesTrainingStatisticsOnly) {
  // Float [N, 3] data whose test split has a very different distribution.
  TempDir dir;
  const torch::Tensor train = torch::randn({400, 3}) * torch::tensor({1.0f, 5.0f, 0.0f}) +
                              torch::tensor({2.0f, -1.0f, 7.0f});
  const torch::Tensor test = torch::randn({100, 3}) * 10 + 50;
  write_idx(dir.file("train-images-idx3-ubyte"), train, false);
  write_idx(dir.file("train-labels-idx1-ubyte"), torch::zeros({400}, torch::kUInt8), false);
  write_idx(dir.file("t10k-images-idx3-ubyte"), test, false);
  write_idx(dir.file("t10k-labels-idx1-ubyte"), torch::zeros({100}, torch::kUInt8), false);
  DataOptions o;
  o.dataset = "idx";
  o.root = dir.path().string();
  o.normalize = "standard";
  o.val_fraction = 0.25;
  const Dataset ds = load_dataset(o);
  ASSERT_EQ(ds.normalization, Normalization::standard);
  // Raw training split, recovered through the same seeded split with no normalisation.
  o.normalize = "none";
  const Dataset raw = load_dataset(o);
  const torch::Tensor mean = raw.train_x.mean(0);
  const torch::Tensor std = raw.train_x.std(0, /*unbiased=*/false);
  ASSERT_EQ(ds.mean.sizes(), (std::vector<int64_t>{3}));
  EXPECT_TRUE(torch::allclose(ds.mean, mean, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(ds.std.slice(0, 0, 2), std.slice(0, 0, 2), 1e-5, 1e-5));
  // The constant third feature is only centred.
  EXPECT_EQ(ds.std[2].item<float>(), 1.0f);
  EXPECT_TRUE(torch::allclose(ds.train_x.mean(0), torch::zeros({3}), 0, 1e-5));
  EXPECT_TRUE(torch::allclose(ds.train_x.std(0, false).slice(0, 0, 2), torch::ones({2}), 0, 1e-4));
  // Val and test use the training statistics, not their own.
  EXPECT_TRUE(torch::allclose(ds.val_x, (raw.val_x - mean) / ds.std, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(ds.test_x, (raw.test_x - mean) / ds.std, 1e-4, 1e-4));
  EXPECT_GT(ds.test_x.mean().item<float>(), 3.0f);
  // denormalize inverts it, for a batch and for one example.
  EXPECT_TRUE(torch::allclose(ds.denormalize(ds.test_x), raw.test_x, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(ds.denormalize(ds.test_x[0]), raw.test_x[0], 1e-4, 1e-4));
}

TEST(DatasetTest, StandardNormalisationOfImagesIsInUnitScale) {
  FakeMnist m(60, 10);
  DataOptions o = m.options();
  o.normalize = "standard";
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.mean.sizes(), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_LE(ds.mean.max().item<float>(), 1.0f);
  const torch::Tensor back = ds.denormalize(ds.test_x);
  EXPECT_TRUE(
      torch::allclose(back, m.test_images.unsqueeze(1).to(torch::kFloat32) / 255, 1e-5, 1e-5));
  o.normalize = "none";
  EXPECT_EQ(load_dataset(o).train_x.max().item<float>(), 255.0f);
}

TEST(BatchIteratorTest, CoversEveryExampleOncePerEpoch) {
  const int64_t n = 103;
  const torch::Tensor x = torch::arange(n, torch::kFloat32).unsqueeze(1).repeat({1, 4});
  const torch::Tensor y = torch::arange(n) * 2;
  for (const bool shuffle : {false, true}) {
    SCOPED_TRACE(shuffle);
    const torch::Tensor perm = shuffle ? torch::randperm(n) : torch::Tensor();
    const BatchIterator it(x, y, 10, perm);
    ASSERT_EQ(it.num_batches(), 11);
    std::vector<torch::Tensor> seen;
    for (int64_t i = 0; i < it.num_batches(); ++i) {
      const auto [bx, by] = it.batch(i);
      EXPECT_EQ(bx.size(0), i < 10 ? 10 : 3);
      EXPECT_EQ(bx.size(1), 4);
      EXPECT_TRUE(torch::equal(by, bx.select(1, 0).to(torch::kLong) * 2));
      seen.push_back(bx.select(1, 0));
    }
    const torch::Tensor order = torch::cat(seen);
    EXPECT_TRUE(torch::equal(std::get<0>(order.sort()), torch::arange(n, torch::kFloat32)));
    if (shuffle) {
      EXPECT_TRUE(torch::equal(order, perm.to(torch::kFloat32)));
    } else {
      EXPECT_TRUE(torch::equal(order, torch::arange(n, torch::kFloat32)));
    }
    EXPECT_THROW(it.batch(11), c10::Error);
    EXPECT_THROW(it.batch(-1), c10::Error);
  }
}

TEST(BatchIteratorTest, WithoutLabelsAndBadArguments) {
  const torch::Tensor x = torch::randn({8, 2});
  const BatchIterator it(x, torch::Tensor(), 8);
  ASSERT_EQ(it.num_batches(), 1);
  const auto [bx, by] = it.batch(0);
  EXPECT_TRUE(torch::equal(bx, x));
  EXPECT_FALSE(by.defined());
  EXPECT_EQ(BatchIterator(torch::zeros({0, 2}), torch::Tensor(), 4).num_batches(), 0);
  EXPECT_THROW(BatchIterator(x, torch::zeros({7}), 4), c10::Error);
  EXPECT_THROW(BatchIterator(x, torch::Tensor(), 0), c10::Error);
  EXPECT_THROW(BatchIterator(x, torch::Tensor(), 2, torch::zeros({2, 2})), c10::Error);
}

TEST(DatasetTest, FashionMnist) {
  const std::string root = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(root + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << root << " is absent (Debian package dataset-fashion-mnist)";
  }
  DataOptions o;  // defaults: fashion_mnist, default root, 10% validation, unit scaling
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.sizes(), (std::vector<int64_t>{54000, 1, 28, 28}));
  EXPECT_EQ(ds.val_x.sizes(), (std::vector<int64_t>{6000, 1, 28, 28}));
  EXPECT_EQ(ds.test_x.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_EQ(ds.test_y.sizes(), (std::vector<int64_t>{10000}));
  EXPECT_EQ(ds.num_classes, 10);
  EXPECT_TRUE(ds.is_image);
  EXPECT_EQ(ds.normalization, Normalization::unit);
  EXPECT_GE(ds.train_x.min().item<float>(), 0.0f);
  EXPECT_LE(ds.train_x.max().item<float>(), 1.0f);
  EXPECT_EQ(ds.test_x.max().item<float>(), 1.0f);
  // Fashion-MNIST's test set is balanced: 1000 examples per class.
  EXPECT_TRUE(torch::equal(torch::bincount(ds.test_y), torch::full({10}, 1000, torch::kLong)));
  EXPECT_NE(ds.source.find(root), std::string::npos) << ds.source;
}

}  // namespace
}  // namespace aezoo
