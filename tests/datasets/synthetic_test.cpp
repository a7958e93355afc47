// Tests of datasets/synthetic.h: shapes, determinism, points on the manifolds, tangents
// against finite differences of the parameterisation, and the mixture's density and score.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <string>

#include "datasets/dataset.h"
#include "datasets/synthetic.h"

namespace aezoo {
namespace {

DataOptions options_for(const std::string& name, int64_t dim = 2) {
  DataOptions o;
  o.dataset = name;
  o.dim = dim;
  o.seed = 11;
  o.num_points = 500;
  o.noise = 0.05;
  return o;
}

const std::vector<std::string> kManifolds = {"circle", "spiral", "swiss_roll", "line", "sphere"};

TEST(SyntheticTest, NamesAndDimensions) {
  EXPECT_EQ(synthetic_dataset_names(),
            (std::vector<std::string>{
                "gaussian_mixture", "circle", "spiral", "swiss_roll", "line", "sphere"}));
  EXPECT_TRUE(is_manifold_dataset("sphere"));
  EXPECT_FALSE(is_manifold_dataset("gaussian_mixture"));
  EXPECT_FALSE(is_synthetic_dataset("mnist"));
  EXPECT_EQ(synthetic_ambient_dim(options_for("line", 5)), 5);
  EXPECT_EQ(synthetic_ambient_dim(options_for("swiss_roll", 5)), 3);
  EXPECT_EQ(manifold_intrinsic_dim("sphere"), 2);
  EXPECT_EQ(manifold_intrinsic_dim("spiral"), 1);
  EXPECT_THROW(manifold_intrinsic_dim("mnist"), std::invalid_argument);
  EXPECT_THROW(synthetic_ambient_dim(options_for("line", 0)), std::invalid_argument);
}

TEST(SyntheticTest, EverySetLoadsWithTheDocumentedSplit) {
  for (const auto& name : synthetic_dataset_names()) {
    SCOPED_TRACE(name);
    DataOptions o = options_for(name, 4);
    const Dataset ds = load_dataset(o);
    const int64_t d = synthetic_ambient_dim(o);
    EXPECT_EQ(ds.input_shape, (std::vector<int64_t>{d}));
    EXPECT_FALSE(ds.is_image);
    EXPECT_EQ(ds.normalization, Normalization::none);
    // 500 points: 400 train + val (10% val), 100 test.
    EXPECT_EQ(ds.train_x.sizes(), (std::vector<int64_t>{360, d}));
    EXPECT_EQ(ds.val_x.sizes(), (std::vector<int64_t>{40, d}));
    EXPECT_EQ(ds.test_x.sizes(), (std::vector<int64_t>{100, d}));
    EXPECT_EQ(ds.train_x.scalar_type(), torch::kFloat32);
    if (name == "gaussian_mixture") {
      ASSERT_TRUE(ds.train_y.defined());
      EXPECT_EQ(ds.num_classes, o.components);
      EXPECT_FALSE(ds.train_manifold.defined());
    } else {
      EXPECT_FALSE(ds.train_y.defined());
      EXPECT_EQ(ds.num_classes, 0);
      const int64_t k = manifold_intrinsic_dim(name);
      ASSERT_TRUE(ds.train_manifold.defined());
      EXPECT_EQ(ds.train_manifold.coords.sizes(), (std::vector<int64_t>{360, k}));
      EXPECT_EQ(ds.val_manifold.clean.sizes(), (std::vector<int64_t>{40, d}));
      EXPECT_EQ(ds.test_manifold.tangents.sizes(), (std::vector<int64_t>{100, d, k}));
      // Each example lies within noise of its own noise-free point.
      const torch::Tensor dist = (ds.train_x - ds.train_manifold.clean).norm(2, {1});
      EXPECT_LT(dist.max().item<double>(), 6 * o.noise * std::sqrt(static_cast<double>(d)));
    }
    EXPECT_NE(ds.source.find(name), std::string::npos) << ds.source;
  }
}

TEST(SyntheticTest, DeterministicInTheSeed) {
  for (const auto& name : synthetic_dataset_names()) {
    SCOPED_TRACE(name);
    DataOptions o = options_for(name, 3);
    const SyntheticData a = generate_synthetic(o, 300);
    const SyntheticData b = generate_synthetic(o, 300);
    EXPECT_TRUE(torch::equal(a.x, b.x));
    o.seed = 12;
    const SyntheticData c = generate_synthetic(o, 300);
    EXPECT_FALSE(torch::equal(a.x, c.x));
    // Through load_dataset too, splits included.
    const Dataset d1 = load_dataset(options_for(name, 3));
    const Dataset d2 = load_dataset(options_for(name, 3));
    EXPECT_TRUE(torch::equal(d1.train_x, d2.train_x));
    EXPECT_TRUE(torch::equal(d1.val_x, d2.val_x));
    EXPECT_TRUE(torch::equal(d1.test_x, d2.test_x));
  }
}

TEST(SyntheticTest, PointsLieOnTheirManifolds) {
  // Noise-free points satisfy each manifold's equation; noisy ones are within noise of it.
  for (const auto& name : kManifolds) {
    SCOPED_TRACE(name);
    DataOptions o = options_for(name, 4);
    const SyntheticData s = generate_synthetic(o, 2000);
    const torch::Tensor clean = s.clean.to(torch::kFloat64);
    const torch::Tensor c = s.coords.to(torch::kFloat64);
    EXPECT_TRUE(torch::allclose(clean, manifold_embed(o, c), 1e-5, 1e-6));
    const torch::Tensor residual = s.x.to(torch::kFloat64) - clean;
    // The noise is isotropic with the configured std.
    EXPECT_NEAR(residual.std().item<double>(), o.noise, 0.1 * o.noise);
    if (name == "circle" || name == "sphere") {
      const torch::Tensor r_clean = clean.norm(2, {1});
      EXPECT_LT((r_clean - 1).abs().max().item<double>(), 1e-6);
      const torch::Tensor r = s.x.to(torch::kFloat64).norm(2, {1});
      EXPECT_LT((r - 1).abs().max().item<double>(), 5 * o.noise);
      EXPECT_NEAR((r - 1).abs().mean().item<double>(), o.noise * std::sqrt(2 / M_PI), 0.01);
    }
    if (name == "line") {
      // All noise-free points are multiples of one unit vector; coordinates fill [-1, 1].
      const torch::Tensor u = manifold_tangents(o, c)[0].select(1, 0);
      EXPECT_NEAR(u.norm().item<double>(), 1.0, 1e-12);
      const torch::Tensor off = clean - torch::outer(clean.matmul(u), u);
      EXPECT_LT(off.abs().max().item<double>(), 1e-6);
      EXPECT_LT(c.min().item<double>(), -0.99);
      EXPECT_GT(c.max().item<double>(), 0.99);
    }
    if (name == "spiral") {
      const torch::Tensor r = clean.norm(2, {1});
      EXPECT_GE(r.min().item<double>(), 0.25 - 1e-6);
      EXPECT_LE(r.max().item<double>(), 1.0 + 1e-6);
    }
    if (name == "swiss_roll") {
      // Radius in the x-z plane is proportional to the angle t.
      const torch::Tensor t = c.select(1, 0);
      const torch::Tensor rxz =
          clean.index({torch::indexing::Slice(), torch::tensor({0, 2})}).norm(2, {1});
      EXPECT_TRUE(torch::allclose(rxz, t / (4.5 * M_PI), 1e-5, 1e-6));
      EXPECT_TRUE(torch::allclose(clean.select(1, 1), c.select(1, 1), 1e-6, 1e-6));
    }
    if (name == "sphere") {
      // Uniform on the sphere: each coordinate has mean 0 and variance 1/3.
      EXPECT_LT(clean.mean(0).abs().max().item<double>(), 0.06);
      EXPECT_NEAR(clean.pow(2).mean(0).min().item<double>(), 1.0 / 3, 0.04);
    }
  }
}

TEST(SyntheticTest, ZeroNoiseGivesCleanPoints) {
  DataOptions o = options_for("swiss_roll");
  o.noise = 0;
  const SyntheticData s = generate_synthetic(o, 100);
  EXPECT_TRUE(torch::equal(s.x, s.clean));
}

TEST(SyntheticTest, TangentsAreOrthonormalAndMatchFiniteDifferences) {
  for (const auto& name : kManifolds) {
    SCOPED_TRACE(name);
    const DataOptions o = options_for(name, 5);
    torch::Generator gen = at::detail::createCPUGenerator(5);
    torch::Tensor c = sample_manifold_coords(o, 200, gen);  // float64
    if (name == "sphere") {
      // Stay away from the poles, where d x / d phi vanishes.
      c.select(1, 0).clamp_(0.2, M_PI - 0.2);
    }
    const int64_t k = manifold_intrinsic_dim(name);
    const int64_t d = synthetic_ambient_dim(o);
    const torch::Tensor t = manifold_tangents(o, c);
    ASSERT_EQ(t.sizes(), (std::vector<int64_t>{200, d, k}));
    ASSERT_EQ(t.scalar_type(), torch::kFloat64);
    const torch::Tensor gram = torch::matmul(t.transpose(1, 2), t);
    EXPECT_TRUE(
        torch::allclose(gram, torch::eye(k, torch::kFloat64).expand({200, k, k}), 0, 1e-12));

    // Central differences of the parameterisation, one column per coordinate.
    const double h = 1e-6;
    std::vector<torch::Tensor> cols;
    for (int64_t j = 0; j < k; ++j) {
      torch::Tensor e = torch::zeros({1, k}, torch::kFloat64);
      e[0][j] = h;
      cols.push_back((manifold_embed(o, c + e) - manifold_embed(o, c - e)) / (2 * h));
    }
    const torch::Tensor jac = torch::stack(cols, 2);  // [N, D, k]
    // Each derivative lies in the tangent space (projection residual ~ 0) ...
    const torch::Tensor proj = torch::matmul(t, torch::matmul(t.transpose(1, 2), jac));
    const double rel = ((proj - jac).norm() / jac.norm()).item<double>();
    EXPECT_LT(rel, 1e-7);
    // ... and the k derivatives span it (the k x k matrix T^T J is well conditioned), with
    // column j parallel to derivative j.
    const torch::Tensor tj = torch::matmul(t.transpose(1, 2), jac);  // [N, k, k]
    const torch::Tensor diag = tj.diagonal(0, 1, 2);
    const torch::Tensor jn = jac.norm(2, {1});
    EXPECT_TRUE(torch::allclose(diag, jn, 1e-6, 1e-9));
  }
}

TEST(SyntheticTest, TangentsFollowStandardNormalisation) {
  DataOptions o = options_for("swiss_roll");
  o.normalize = "standard";
  const Dataset ds = load_dataset(o);
  const auto& m = ds.train_manifold;
  // The normalised clean points are the raw ones mapped with the stored statistics.
  DataOptions raw_o = options_for("swiss_roll");
  const Dataset raw = load_dataset(raw_o);
  EXPECT_TRUE(torch::allclose(m.clean, (raw.train_manifold.clean - ds.mean) / ds.std, 1e-5, 1e-5));
  // Tangent bases stay orthonormal and span diag(1/std) times the raw tangents.
  const torch::Tensor t = m.tangents.to(torch::kFloat64);
  const int64_t n = t.size(0);
  EXPECT_TRUE(torch::allclose(torch::matmul(t.transpose(1, 2), t),
                              torch::eye(2, torch::kFloat64).expand({n, 2, 2}),
                              0,
                              1e-5));
  const torch::Tensor scaled =
      raw.train_manifold.tangents.to(torch::kFloat64) / ds.std.to(torch::kFloat64).view({1, -1, 1});
  const torch::Tensor resid = scaled - torch::matmul(t, torch::matmul(t.transpose(1, 2), scaled));
  EXPECT_LT(resid.abs().max().item<double>(), 1e-5);
}

TEST(GaussianMixtureTest, DefaultMixture) {
  DataOptions o = options_for("gaussian_mixture");
  const GaussianMixture g = gaussian_mixture(o);
  ASSERT_EQ(g.means.sizes(), (std::vector<int64_t>{4, 2}));
  EXPECT_TRUE(torch::allclose(g.means.norm(2, {1}), torch::full({4}, 2.0, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(g.means[1], torch::tensor({0.0, 2.0}, torch::kFloat64), 0, 1e-12));
  EXPECT_TRUE(torch::allclose(g.stds, torch::full({4}, 0.3, torch::kFloat64)));
  EXPECT_NEAR(g.weights.sum().item<double>(), 1.0, 1e-12);
  // dim 5: seeded means on the radius-2 sphere, the same for the same seed.
  o.dim = 5;
  const GaussianMixture g5 = gaussian_mixture(o);
  EXPECT_EQ(g5.means.sizes(), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(torch::allclose(g5.means.norm(2, {1}), torch::full({4}, 2.0, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(g5.means, gaussian_mixture(o).means));
  o.seed = 99;
  EXPECT_FALSE(torch::equal(g5.means, gaussian_mixture(o).means));
  o.components = 0;
  EXPECT_THROW(gaussian_mixture(o), std::invalid_argument);
}

TEST(GaussianMixtureTest, LogProbIntegratesToOne) {
  const GaussianMixture g = gaussian_mixture(options_for("gaussian_mixture"));
  const double step = 0.02;
  const torch::Tensor axis = torch::arange(-5.0, 5.0, step, torch::kFloat64) + step / 2;
  const auto grid = torch::meshgrid({axis, axis}, "ij");
  const torch::Tensor x = torch::stack({grid[0].flatten(), grid[1].flatten()}, 1);
  const double mass = (g.log_prob(x).exp().sum() * step * step).item<double>();
  EXPECT_NEAR(mass, 1.0, 1e-3);
}

TEST(GaussianMixtureTest, LogProbMatchesClosedFormForOneComponent) {
  DataOptions o = options_for("gaussian_mixture", 3);
  o.components = 1;
  o.mixture_std = 0.5;
  const GaussianMixture g = gaussian_mixture(o);
  const torch::Tensor x = torch::randn({7, 3}, torch::kFloat64);
  const torch::Tensor sq = (x - g.means).pow(2).sum(1);
  const torch::Tensor expected = -1.5 * std::log(2 * M_PI * 0.25) - sq / (2 * 0.25);
  EXPECT_TRUE(torch::allclose(g.log_prob(x), expected, 1e-12, 1e-12));
}

TEST(GaussianMixtureTest, ScoreEqualsFiniteDifferenceGradient) {
  for (const int64_t dim : {1, 2, 4}) {
    SCOPED_TRACE(dim);
    DataOptions o = options_for("gaussian_mixture", dim);
    o.components = 3;
    GaussianMixture g = gaussian_mixture(o);
    // Unequal stds and weights exercise every term.
    g.stds = torch::tensor({0.3, 0.5, 0.8}, torch::kFloat64);
    g.weights = torch::tensor({0.2, 0.3, 0.5}, torch::kFloat64);
    const torch::Tensor x = 1.5 * torch::randn({50, dim}, torch::kFloat64);
    const torch::Tensor score = g.score(x);
    ASSERT_EQ(score.sizes(), x.sizes());
    const double h = 1e-5;
    torch::Tensor fd = torch::zeros_like(x);
    for (int64_t j = 0; j < dim; ++j) {
      torch::Tensor e = torch::zeros({1, dim}, torch::kFloat64);
      e[0][j] = h;
      fd.select(1, j).copy_((g.log_prob(x + e) - g.log_prob(x - e)) / (2 * h));
    }
    EXPECT_TRUE(torch::allclose(score, fd, 1e-6, 1e-6))
        << "max abs diff " << (score - fd).abs().max().item<double>();
    // And autograd agrees.
    const torch::Tensor xr = x.clone().requires_grad_(true);
    const torch::Tensor grad = torch::autograd::grad({g.log_prob(xr).sum()}, {xr})[0];
    EXPECT_TRUE(torch::allclose(score, grad, 1e-10, 1e-10));
  }
}

TEST(GaussianMixtureTest, SamplesFollowTheMixture) {
  DataOptions o = options_for("gaussian_mixture");
  const GaussianMixture g = gaussian_mixture(o);
  torch::Generator gen = at::detail::createCPUGenerator(1);
  torch::Tensor k;
  const torch::Tensor x = g.sample(20000, gen, &k);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{20000, 2}));
  ASSERT_EQ(k.sizes(), (std::vector<int64_t>{20000}));
  for (int64_t c = 0; c < 4; ++c) {
    const torch::Tensor xs = x.index({k == c});
    EXPECT_NEAR(xs.size(0) / 20000.0, 0.25, 0.02);
    EXPECT_TRUE(torch::allclose(xs.mean(0), g.means[c], 0, 0.02));
    EXPECT_NEAR(xs.std(0).mean().item<double>(), 0.3, 0.01);
  }
  // The data set's labels are the components its points came from.
  const Dataset ds = load_dataset(o);
  const torch::Tensor xt = ds.train_x.to(torch::kFloat64);
  const torch::Tensor nearest = torch::cdist(xt, g.means).argmin(1);
  EXPECT_GT((nearest == ds.train_y).to(torch::kFloat64).mean().item<double>(), 0.95);
}

}  // namespace
}  // namespace aezoo
