// End-to-end tests of `aezoo analyze` (cli/analyze.cpp): each trains a tiny run with the
// built binary, runs the subcommands as a user would, and checks exit status, output tables
// and CSV files, and the error paths.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "idx_fixture.h"
#include "test_util.h"

using namespace aezoo;
namespace fs = std::filesystem;

namespace {

using test::quote;
using Result = test::CliResult;

Result run(const std::string& args, const test::TempDir& dir) {
  return test::run_aezoo(args, dir);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream s(text);
  for (std::string l; std::getline(s, l);)
    v.push_back(l);
  return v;
}

/// A denoising autoencoder on a noisy circle that trains in about a second.
std::string circle_experiment(const std::string& out_dir) {
  return "name: analyze_test\n"
         "seed: 2\n"
         "data: {dataset: circle, num_points: 300, noise: 0.05}\n"
         "model:\n"
         "  type: denoising\n"
         "  latent_dim: 4\n"
         "  hidden: [16]\n"
         "  activation: tanh\n"
         "  likelihood: gaussian\n"
         "  likelihood_scale: 0.1\n"
         "  gaussian_sigma: 0.1\n"
         "trainer:\n"
         "  epochs: 2\n"
         "  batch_size: 32\n"
         "output:\n"
         "  dir: " +
         out_dir + "\n";
}

/// A trained run shared by the tests of this file.
class AnalyzeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    experiment_ = dir_->file("exp.yaml");
    run_dir_ = dir_->file("run");
    test::write_file(experiment_, circle_experiment(run_dir_));
    const Result r = run("train " + quote(experiment_) + " --quiet", *dir_);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static test::TempDir* dir_;
  static std::string experiment_, run_dir_;
};

test::TempDir* AnalyzeCli::dir_ = nullptr;
std::string AnalyzeCli::experiment_, AnalyzeCli::run_dir_;

}  // namespace

TEST_F(AnalyzeCli, VectorFieldAndDenoiseWriteCsv) {
  const std::string field = dir_->file("field.csv");
  Result r = run("analyze vector-field " + quote(run_dir_) + " --grid 5 -o " + quote(field), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = lines(test::read_file(field));
  ASSERT_EQ(rows.size(), 26u);  // header + 5 x 5 grid
  EXPECT_EQ(rows[0], "x0,x1,dx0,dx1");

  const std::string noisy = dir_->file("denoise.csv");
  r = run("analyze denoise " + quote(run_dir_) + " --n 7 --checkpoint last -o " + quote(noisy),
          *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  rows = lines(test::read_file(noisy));
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(rows[0], "x0,x1,noisy0,noisy1,recon0,recon1");
  EXPECT_NE(r.out.find("mean distance to the manifold"), std::string::npos) << r.out;
}

TEST_F(AnalyzeCli, TangentsTableAndPerPointCsv) {
  const std::string csv = dir_->file("tangents.csv");
  const Result r = run("analyze tangents " + quote(run_dir_) + " --k 8 -o " + quote(csv), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_GE(out.size(), 2u);
  EXPECT_NE(out[0].find("jacobian_deg"), std::string::npos);
  EXPECT_EQ(out[1].rfind("circle", 0), 0u) << out[1];
  const auto rows = lines(test::read_file(csv));
  EXPECT_EQ(rows[0], "x0,x1,jac0,jac1,pca0,pca1,true0,true1,err_jac,err_pca,rec0,rec1,err_rec");
  EXPECT_EQ(rows.size(), 61u);  // the 60 test points of 300
}

TEST_F(AnalyzeCli, TangentFitTableAndCsv) {
  const std::string csv = dir_->file("fit.csv");
  Result r = run("analyze tangent-fit " + quote(run_dir_) +
                     " --vectors 1 --k 10 --n 40 --neighbors 3 -o " + quote(csv),
                 *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_GE(out.size(), 3u);
  EXPECT_NE(out[0].find("reconstruction"), std::string::npos) << out[0];
  EXPECT_EQ(out[1].rfind("run", 0), 0u) << out[1];
  const auto rows = lines(test::read_file(csv));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            "run,model,n_train,d,k,points,neighbors,encoder,encoder_se,reconstruction,"
            "reconstruction_se,local_pca,local_pca_se,global_pca,global_pca_se,rec_minus_pca,"
            "rec_minus_pca_se,random");
  // run,denoising,n_train,1,10,40,3, then four (mean, se) pairs in percent, the paired
  // difference (mean, se), then 100 d / D.
  std::vector<std::string> f;
  std::istringstream row(rows[1]);
  for (std::string v; std::getline(row, v, ',');)
    f.push_back(v);
  ASSERT_EQ(f.size(), 18u) << rows[1];
  EXPECT_EQ(f[0], "run");
  EXPECT_EQ(f[1], "denoising");
  EXPECT_EQ(f[4], "10");
  EXPECT_EQ(f[5], "40");
  for (size_t i = 7; i < 15; i += 2) {
    const double share = std::stod(f[i]);
    EXPECT_GE(share, 0.0) << f[i];
    EXPECT_LE(share, 100.0) << f[i];
  }
  // The paired difference is the difference of the two means.
  EXPECT_NEAR(std::stod(f[15]), std::stod(f[9]) - std::stod(f[11]), 1e-4) << rows[1];
  EXPECT_DOUBLE_EQ(std::stod(f[17]), 50.0);  // one direction of two
  // On the noisy circle the held-out neighbours lie mostly along the local PCA tangent: more
  // than a random line takes of them (50%), by several standard errors.
  EXPECT_GT(std::stod(f[11]), std::stod(f[17]) + 3 * std::stod(f[12])) << rows[1];

  r = run("analyze tangent-fit " + quote(run_dir_) + " --vectors 3", *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("at most 2 tangent directions"), std::string::npos) << r.err;
  r = run("analyze tangent-fit " + quote(run_dir_) + " --split train", *dir_);
  EXPECT_EQ(r.status, 2);  // a usage error
  EXPECT_NE(r.err.find("held out"), std::string::npos) << r.err;
  r = run("analyze tangent-fit " + quote(run_dir_) + " --vectors 1 --k 5000", *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("training points"), std::string::npos) << r.err;
}

TEST(AnalyzeCliImages, TangentImagesAndFitOnAnImageRun) {
  // A contractive autoencoder on random 10x10 IDX images: the fig. 14.10 commands end to end.
  test::TempDir dir;
  torch::manual_seed(7);
  test::write_random_idx_set(dir, 120, 30, 10);
  const std::string exp = dir.file("img.yaml"), out = dir.file("run");
  test::write_file(exp,
                   test::idx_experiment(dir,
                                        "idx_tangents",
                                        "{type: contractive, latent_dim: 6, hidden: [16], "
                                        "activation: sigmoid, code_activation: sigmoid, "
                                        "likelihood: bernoulli}",
                                        "{epochs: 1, batch_size: 30}",
                                        out));
  Result r = run("train " + quote(exp) + " --quiet", dir);
  ASSERT_EQ(r.status, 0) << r.err;

  const std::string png = dir.file("t.png");
  r = run("analyze tangent-images " + quote(out) + " --images 2 --vectors 3 --k 10 --scale 1 -o " +
              quote(png),
          dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("encoder Jacobian"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reconstruction Jacobian"), std::string::npos) << r.out;
  const std::string bytes = test::read_file(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  // make_grid: 4 columns (input + 3) and 2 images x 3 rows (local PCA, encoder,
  // reconstruction) of 10-pixel tiles with 2-pixel gaps: 50 x 74 pixels (IHDR, big-endian).
  auto be32 = [&](size_t at) {
    return (static_cast<unsigned char>(bytes[at]) << 24) |
           (static_cast<unsigned char>(bytes[at + 1]) << 16) |
           (static_cast<unsigned char>(bytes[at + 2]) << 8) |
           static_cast<unsigned char>(bytes[at + 3]);
  };
  EXPECT_EQ(be32(16), 4u * 12 + 2);
  EXPECT_EQ(be32(20), 6u * 12 + 2);
  r = run("analyze tangent-images " + quote(out) + " --jacobian encoder --k 10 -o " + quote(png),
          dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("reconstruction Jacobian"), std::string::npos) << r.out;
  r = run("analyze tangent-images " + quote(out) + " --jacobian decoder -o " + quote(png), dir);
  EXPECT_EQ(r.status, 2);  // a usage error
  EXPECT_NE(r.err.find("--jacobian"), std::string::npos) << r.err;

  r = run("analyze tangent-fit " + quote(out) + " --vectors 3 --k 10 --n 10 --neighbors 4", dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto table = lines(r.out);
  ASSERT_GE(table.size(), 2u);
  EXPECT_EQ(table[1].rfind("run", 0), 0u) << table[1];
  EXPECT_NE(table[1].find("contractive"), std::string::npos) << table[1];
  EXPECT_NE(table[1].find("3.00"), std::string::npos) << table[1];  // random: 100 * 3 / 100
}

TEST_F(AnalyzeCli, SpectrumIsomapTilesAndPoints) {
  const std::string spectrum = dir_->file("spectrum.csv");
  Result r = run("analyze spectrum " + quote(run_dir_) + " --n 10 -o " + quote(spectrum), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = lines(test::read_file(spectrum));
  ASSERT_EQ(rows.size(), 3u);  // header + min(code 4, D 2) singular values
  EXPECT_EQ(rows[0], "index,run");

  const std::string iso = dir_->file("iso.csv"), edges = dir_->file("edges.csv");
  r = run("analyze isomap " + quote(run_dir_) + " --k 8 --n 100 -o " + quote(iso) + " --edges " +
              quote(edges),
          *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("isomap (k=8)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("denoising code"), std::string::npos) << r.out;
  rows = lines(test::read_file(iso));
  EXPECT_EQ(rows[0], "x0,x1,c0,iso0,iso1,code0,code1,code2,code3");
  EXPECT_EQ(rows.size(), 101u);
  EXPECT_EQ(lines(test::read_file(edges))[0], "i,j,a0,a1,b0,b1");

  // Data-only subcommands take an experiment file and overrides.
  const std::string charts = dir_->file("charts.csv"), assign = dir_->file("assign.csv");
  r = run("analyze tiles " + quote(experiment_) + " data.num_points=200 --clusters 5 -o " +
              quote(charts) + " --assign " + quote(assign),
          *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  rows = lines(test::read_file(charts));
  EXPECT_EQ(rows[0], "chart,x0,x1");
  EXPECT_EQ(rows.size(), 1u + 5 * 49 + 4);  // 5 closed outlines of 49 vertices, 4 blank lines
  EXPECT_EQ(lines(test::read_file(assign)).size(), 1u + 144);  // 72% of 200 are training points

  const std::string points = dir_->file("points.csv");
  r = run("analyze points " + quote(run_dir_) + " --split test --n 5 -o " + quote(points), *dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  rows = lines(test::read_file(points));
  EXPECT_EQ(rows[0], "x0,x1,c0");
  EXPECT_EQ(rows.size(), 6u);
}

TEST_F(AnalyzeCli, ErrorsAreOneLineWithStatus) {
  // Usage mistakes: status 2 and the analyze usage.
  Result r = run("analyze frobnicate", *dir_);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("error: unknown analyze subcommand 'frobnicate'", 0), 0u) << r.err;
  r = run("analyze vector-field " + quote(run_dir_), *dir_);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("-o FILE is required"), std::string::npos) << r.err;
  r = run("analyze tangents " + quote(run_dir_) + " --k two", *dir_);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--k: expected an integer"), std::string::npos) << r.err;
  r = run("analyze isomap " + quote(run_dir_) + " data.noise=0", *dir_);
  EXPECT_EQ(r.status, 2);
  r = run("analyze points " + quote(run_dir_) + " --checkpoint newest -o x.csv", *dir_);
  EXPECT_EQ(r.status, 2);
  // Input that does not fit the subcommand: status 1, one `error:` line.
  const std::string out = dir_->file("curve.csv");
  r = run("analyze curve " + quote(run_dir_) + " -o " + quote(out), *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("needs 1-D data"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  r = run("analyze tangent-images " + quote(run_dir_) + " -o " + quote(dir_->file("t.png")), *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("needs image data"), std::string::npos) << r.err;
  r = run("analyze vector-field " + quote(dir_->file("missing")) + " -o x.csv", *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no such run directory"), std::string::npos) << r.err;
  r = run("analyze isomap " + quote(experiment_) + " --k 1 --n 50", *dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("disconnected"), std::string::npos) << r.err;
}
