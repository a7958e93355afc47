// Tests of analysis/tiling.h: k-means on well-separated clusters, seeding, and the local
// charts of a tiled curve (flat along the curve, outlines in the chart plane).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "analysis/manifold.h"
#include "analysis/tiling.h"
#include "datasets/synthetic.h"

using namespace aezoo;

namespace {

/// Four tight blobs at the corners of a square of side 10, 30 points each; labels [120].
std::pair<torch::Tensor, torch::Tensor> blobs() {
  torch::manual_seed(7);
  auto centers =
      torch::tensor({{0.0, 0.0}, {10.0, 0.0}, {0.0, 10.0}, {10.0, 10.0}}, torch::kFloat64);
  auto labels = torch::arange(4).repeat_interleave(30);
  auto x = centers.index_select(0, labels) + 0.3 * torch::randn({120, 2}, torch::kFloat64);
  return {x, labels};
}

}  // namespace

TEST(KMeans, FindsWellSeparatedClusters) {
  auto [x, labels] = blobs();
  auto r = kmeans(x, KMeansOptions(4).seed(1));
  ASSERT_EQ(r.assignment.sizes(), (std::vector<int64_t>{120}));
  // Each true blob maps to exactly one cluster, and different blobs to different clusters.
  std::set<int64_t> used;
  for (int64_t b = 0; b < 4; ++b) {
    auto a = r.assignment.narrow(0, 30 * b, 30);
    EXPECT_TRUE((a == a[0]).all().item<bool>()) << "blob " << b << " was split";
    used.insert(a[0].item<int64_t>());
  }
  EXPECT_EQ(used.size(), 4u);
  // Inertia: about 120 points * 2 dims * 0.3^2.
  EXPECT_LT(r.inertia, 120 * 2 * 0.09 * 1.5);
  EXPECT_GE(r.iterations, 1);
}

TEST(KMeans, SameSeedSameResult) {
  auto [x, labels] = blobs();
  auto noisy = x + 3.0 * torch::randn_like(x);  // overlapping: the start matters
  auto a = kmeans(noisy, KMeansOptions(6).seed(3).restarts(1));
  auto b = kmeans(noisy, KMeansOptions(6).seed(3).restarts(1));
  EXPECT_TRUE(torch::equal(a.assignment, b.assignment));
  EXPECT_TRUE(torch::equal(a.centers, b.centers));
}

TEST(KMeans, DuplicatePointsAndInvalidOptions) {
  auto x = torch::tensor({{0.0, 0.0}, {0.0, 0.0}, {5.0, 5.0}, {5.0, 5.0}, {9.0, 0.0}});
  auto r = kmeans(x, KMeansOptions(3));
  EXPECT_NEAR(r.inertia, 0.0, 1e-12);
  EXPECT_THROW(kmeans(x, KMeansOptions(6)), c10::Error);
  EXPECT_THROW(kmeans(x, KMeansOptions(0)), c10::Error);
  EXPECT_THROW(kmeans(x, KMeansOptions(2).restarts(0)), c10::Error);
}

TEST(Tiling, ChartsOfACircleAreFlatAndTangent) {
  DataOptions o;
  o.dataset = "circle";
  o.noise = 0.0;
  auto data = generate_synthetic(o, 1000);
  auto tiles = tile_manifold(data.x, KMeansOptions(16).seed(2));
  ASSERT_EQ(tiles.directions.sizes(), (std::vector<int64_t>{16, 2, 2}));
  // Each chart is a thin pancake: far more spread along the circle than across it.
  auto ratio = tiles.variances.select(1, 1) / tiles.variances.select(1, 0);
  EXPECT_LT(ratio.max().item<double>(), 0.01);
  // Its leading direction is the tangent at the centre's angle.
  auto angle = torch::atan2(tiles.centers.select(1, 1), tiles.centers.select(1, 0));
  auto tangent = torch::stack({-angle.sin(), angle.cos()}, 1).unsqueeze(2);
  auto err = tangent_error_degrees(tiles.directions.narrow(2, 0, 1), tangent);
  // (Off by up to half the sampling imbalance between the two ends of a cluster.)
  EXPECT_LT(err.mean().item<double>(), 1.0);
  EXPECT_LT(err.max().item<double>(), 3.0);

  auto outlines = chart_outlines(tiles, 2.0, 24);
  ASSERT_EQ(outlines.sizes(), (std::vector<int64_t>{16, 25, 2}));
  EXPECT_TRUE(torch::allclose(outlines.select(1, 0), outlines.select(1, 24)));
  // Vertex 0 is the end of the major semi-axis: centre + 2 sqrt(var_0) u_0.
  auto tip = tiles.centers +
             2.0 * tiles.variances.select(1, 0).sqrt().unsqueeze(1) * tiles.directions.select(2, 0);
  EXPECT_TRUE(torch::allclose(outlines.select(1, 0), tip, 1e-9, 1e-9));
}

TEST(Tiling, SwissRollChartsLieInTangentPlanes) {
  DataOptions o;
  o.dataset = "swiss_roll";
  o.noise = 0.0;
  auto data = generate_synthetic(o, 1500);
  auto tiles = tile_manifold(data.x, KMeansOptions(40).seed(0).restarts(1));
  // The third variance (across the sheet) is small next to the first two.
  auto across = tiles.variances.select(1, 2) / tiles.variances.select(1, 1);
  EXPECT_LT(across.median().item<double>(), 0.1);
  auto outlines = chart_outlines(tiles);
  // Every outline vertex is in its chart's plane: no component along the third direction.
  auto normal = tiles.directions.select(2, 2).unsqueeze(1);  // [K, 1, 3]
  auto off = ((outlines - tiles.centers.unsqueeze(1)) * normal).sum(2);
  EXPECT_LT(off.abs().max().item<double>(), 1e-9);
}
