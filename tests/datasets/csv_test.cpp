// Tests of datasets/csv.h and of the csv data set in load_dataset.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "core/error.h"
#include "datasets/csv.h"
#include "datasets/dataset.h"
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

TEST(CsvTest, ReadsTableWithoutHeader) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "1,2.5,-3\n4, 5e-1 ,6\n");
  const CsvTable t = read_csv(path, /*header=*/false, "");
  EXPECT_TRUE(torch::equal(t.x, torch::tensor({{1.0f, 2.5f, -3.0f}, {4.0f, 0.5f, 6.0f}})));
  EXPECT_FALSE(t.y.defined());
  EXPECT_EQ(t.columns, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(t.num_file_columns, 3);
  EXPECT_EQ(t.x.scalar_type(), torch::kFloat32);
}

TEST(CsvTest, HeaderAndLabelColumnByName) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "a,\"label\",b\r\n1,0,2\r\n\r\n3,2,4\r\n   \n5,1,6\r\n");
  const CsvTable t = read_csv(path, /*header=*/true, "label");
  EXPECT_TRUE(torch::equal(t.x, torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}, {5.0f, 6.0f}})));
  ASSERT_TRUE(t.y.defined());
  EXPECT_EQ(t.y.scalar_type(), torch::kInt64);
  EXPECT_TRUE(torch::equal(t.y, torch::tensor({0, 2, 1}, torch::kInt64)));
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.label_name, "label");
}

TEST(CsvTest, LabelColumnByIndex) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "7,1,2\n8,3,4\n");
  const CsvTable t = read_csv(path, /*header=*/false, "0");
  EXPECT_TRUE(torch::equal(t.y, torch::tensor({7, 8}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(t.x, torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}})));
}

TEST(CsvTest, BadCellNamesFileLineAndColumn) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "x,y,z,name\n1,2,3,4\n\n5,6,7,abc\n");
  EXPECT_EQ(data_error([&] { read_csv(path, true, ""); }),
            path + ":4: column 'name' (3): expected a number, got 'abc'");
  test::write_file(path, "1,,3\n");
  EXPECT_EQ(data_error([&] { read_csv(path, false, ""); }),
            path + ":1: column 1: expected a number, got ''");
  test::write_file(path, "1,2x,3\n");
  EXPECT_EQ(data_error([&] { read_csv(path, false, ""); }),
            path + ":1: column 1: expected a number, got '2x'");
  test::write_file(path, "1,nan,3\n");
  EXPECT_EQ(data_error([&] { read_csv(path, false, ""); }),
            path + ":1: column 1: expected a number, got 'nan'");
}

TEST(CsvTest, RaggedRow) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "a,b,c\n1,2,3\n4,5\n");
  EXPECT_EQ(data_error([&] { read_csv(path, true, ""); }),
            path + ":3: expected 3 columns (as in line 1), found 2");
  test::write_file(path, "\n1,2\n3,4,5\n");
  EXPECT_EQ(data_error([&] { read_csv(path, false, ""); }),
            path + ":3: expected 2 columns (as in line 2), found 3");
}

TEST(CsvTest, LabelProblems) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "a,b\n1,2\n");
  std::string msg = data_error([&] { read_csv(path, true, "c"); });
  EXPECT_EQ(msg, path + ": no column named 'c' for the label (columns: 'a', 'b')");
  msg = data_error([&] { read_csv(path, true, "5"); });
  EXPECT_NE(msg.find("label column 5 is out of range"), std::string::npos) << msg;
  test::write_file(path, "a,b\n1,2.5\n");
  EXPECT_EQ(data_error([&] { read_csv(path, true, "b"); }),
            path + ":2: column 'b' (1): expected a non-negative integer label, got '2.5'");
  test::write_file(path, "1,-1\n");
  EXPECT_EQ(data_error([&] { read_csv(path, false, "1"); }),
            path + ":1: column 1: expected a non-negative integer label, got '-1'");
  msg = data_error([&] { read_csv(path, false, "b"); });
  EXPECT_NE(msg.find("must be a 0-based column index"), std::string::npos) << msg;
}

TEST(CsvTest, EmptyAndMissingFiles) {
  TempDir dir;
  const std::string path = dir.file("t.csv");
  test::write_file(path, "a,b\n\n");
  std::string msg = data_error([&] { read_csv(path, true, ""); });
  EXPECT_EQ(msg.rfind(path + ": no data rows", 0), 0u) << msg;
  const std::string missing = dir.file("missing.csv");
  EXPECT_EQ(data_error([&] { read_csv(missing, true, ""); }), missing + ": no such file");
}

// A table whose first column is the row id (0..n-1) and label = id % 3.
std::string id_table(int n, int offset = 0) {
  std::string s = "id,v,label\n";
  for (int i = 0; i < n; ++i) {
    s += std::to_string(i + offset) + "," + std::to_string((i + offset) * 0.5) + "," +
         std::to_string((i + offset) % 3) + "\n";
  }
  return s;
}

TEST(CsvDatasetTest, CarvesSeededTestSplit) {
  TempDir dir;
  const std::string path = dir.file("data.csv");
  test::write_file(path, id_table(100));
  DataOptions o;
  o.dataset = "csv";
  o.train_file = path;
  o.label_column = "label";
  o.val_fraction = 0.25;
  o.seed = 3;
  const Dataset ds = load_dataset(o);
  EXPECT_FALSE(ds.is_image);
  EXPECT_EQ(ds.input_shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(ds.normalization, Normalization::none);
  EXPECT_EQ(ds.test_x.size(0), 20);
  EXPECT_EQ(ds.val_x.size(0), 20);  // 25% of the remaining 80
  EXPECT_EQ(ds.train_x.size(0), 60);
  EXPECT_EQ(ds.num_classes, 3);
  // Every row lands in exactly one split, with its label.
  const torch::Tensor ids =
      torch::cat({ds.train_x.select(1, 0), ds.val_x.select(1, 0), ds.test_x.select(1, 0)});
  EXPECT_TRUE(torch::equal(std::get<0>(ids.sort()), torch::arange(100, torch::kFloat32)));
  const torch::Tensor labels = torch::cat({ds.train_y, ds.val_y, ds.test_y});
  EXPECT_TRUE(torch::equal(labels, ids.to(torch::kInt64) % 3));
  EXPECT_NE(ds.source.find(path), std::string::npos) << ds.source;

  // Deterministic in the seed; a different seed gives a different test set.
  const Dataset again = load_dataset(o);
  EXPECT_TRUE(torch::equal(again.test_x, ds.test_x));
  EXPECT_TRUE(torch::equal(again.val_x, ds.val_x));
  o.seed = 4;
  const Dataset other = load_dataset(o);
  EXPECT_FALSE(torch::equal(other.test_x, ds.test_x));
}

TEST(CsvDatasetTest, ReadsTestFile) {
  TempDir dir;
  test::write_file(dir.file("train.csv"), id_table(50));
  test::write_file(dir.file("test.csv"), id_table(10, 1000));
  DataOptions o;
  o.dataset = "csv";
  o.train_file = dir.file("train.csv");
  o.test_file = dir.file("test.csv");
  o.label_column = "label";
  o.val_fraction = 0.2;
  const Dataset ds = load_dataset(o);
  EXPECT_EQ(ds.train_x.size(0), 40);
  EXPECT_EQ(ds.val_x.size(0), 10);
  ASSERT_EQ(ds.test_x.size(0), 10);
  EXPECT_EQ(ds.test_x[0][0].item<float>(), 1000.0f);
  EXPECT_EQ(ds.test_y[0].item<int64_t>(), 1000 % 3);

  test::write_file(dir.file("test.csv"), "id,w,label\n1,2,0\n");
  const std::string msg = data_error([&] { load_dataset(o); });
  EXPECT_EQ(msg.rfind(dir.file("test.csv") + ": columns (id, w) differ from those of", 0), 0u)
      << msg;
}

TEST(CsvDatasetTest, OptionErrors) {
  DataOptions o;
  o.dataset = "csv";
  EXPECT_THROW(load_dataset(o), std::invalid_argument);
  TempDir dir;
  test::write_file(dir.file("a.csv"), "1,2\n3,4\n");
  o.train_file = dir.file("a.csv");
  o.header = false;
  o.normalize = "unit";  // float data
  EXPECT_THROW(load_dataset(o), std::invalid_argument);
}

}  // namespace
}  // namespace aezoo
