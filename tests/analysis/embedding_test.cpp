// Tests of analysis/embedding.h: the kNN graph, Floyd-Warshall geodesics against arc length,
// classical MDS against a known planar configuration, Isomap on the swiss roll, and the
// comparison measures against hand-computed values.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "analysis/embedding.h"
#include "datasets/synthetic.h"

using namespace aezoo;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

SyntheticData noise_free(const std::string& name, int64_t n) {
  DataOptions o;
  o.dataset = name;
  o.noise = 0.0;
  o.seed = 5;
  return generate_synthetic(o, n);
}

/// A random 3x3 rotation (Q of a QR decomposition, determinant fixed to +1).
torch::Tensor random_rotation() {
  auto q = std::get<0>(torch::linalg_qr(torch::randn({3, 3}, torch::kFloat64), "reduced"));
  if (torch::det(q).item<double>() < 0)
    q.select(1, 0).neg_();
  return q;
}

}  // namespace

TEST(KnnGraph, SymmetricWithEdgesToNearestPoints) {
  auto x = torch::tensor({0.0, 1.0, 3.0, 7.0}).view({4, 1});
  auto w = knn_graph(x, 1);
  EXPECT_TRUE(torch::equal(w, w.t()));
  EXPECT_EQ(w[0][1].item<double>(), 1.0);
  EXPECT_EQ(w[2][3].item<double>(), 4.0);  // 3 -> 7 is 7's nearest neighbour
  EXPECT_EQ(w[0][2].item<double>(), kInf);
  EXPECT_EQ(w.diagonal().abs().sum().item<double>(), 0.0);
  auto edges = graph_edges(w);
  EXPECT_TRUE(torch::equal(edges, torch::tensor({0, 1, 1, 2, 2, 3}, torch::kLong).view({3, 2})));
  EXPECT_THROW(knn_graph(x, 4), c10::Error);
}

TEST(ShortestPaths, SmallGraphAndDisconnectedPart) {
  auto w = torch::full({4, 4}, kInf, torch::kFloat64);
  auto edge = [&](int i, int j, double len) {
    w[i][j] = len;
    w[j][i] = len;
  };
  edge(0, 1, 1.0);
  edge(1, 2, 2.0);
  edge(0, 2, 5.0);
  auto d = shortest_paths(w);
  EXPECT_EQ(d[0][2].item<double>(), 3.0);
  EXPECT_EQ(d[2][0].item<double>(), 3.0);
  EXPECT_EQ(d[1][1].item<double>(), 0.0);
  EXPECT_EQ(d[0][3].item<double>(), kInf);
}

TEST(ShortestPaths, CircleGeodesicsApproachArcLength) {
  auto data = noise_free("circle", 300);
  auto geo = shortest_paths(knn_graph(data.x, 10));
  auto theta = data.coords.select(1, 0).to(torch::kFloat64);
  auto diff = (theta.unsqueeze(1) - theta.unsqueeze(0)).abs();
  auto arc = torch::minimum(diff, 2 * M_PI - diff);
  auto chord = torch::cdist(data.x.to(torch::kFloat64), data.x.to(torch::kFloat64));
  // Every path is at least as long as the chord, and the graph follows the circle closely.
  EXPECT_TRUE((geo >= chord - 1e-6).all().item<bool>());
  EXPECT_LT((geo - arc).abs().max().item<double>(), 0.01);
  EXPECT_GT((chord - arc).abs().max().item<double>(), 1.0) << "the chords alone are far off";
}

TEST(ClassicalMDS, RecoversPlanarPointsUpToRigidMotion) {
  torch::manual_seed(2);
  auto p = torch::randn({40, 2}, torch::kFloat64);
  // The same points placed on a tilted plane in 3-D and shifted.
  auto p3 = torch::cat({p, torch::zeros({40, 1}, torch::kFloat64)}, 1).matmul(random_rotation()) +
            torch::tensor({1.0, -2.0, 0.5}, torch::kFloat64);
  auto mds = classical_mds(torch::cdist(p3, p3), 3);
  EXPECT_LT(procrustes_error(p, mds.embedding.narrow(1, 0, 2)), 1e-8);
  EXPECT_NEAR(mds.eigenvalues[2].item<double>(), 0.0, 1e-8);
  EXPECT_GT(mds.eigenvalues[1].item<double>(), 1.0);
}

TEST(Procrustes, ZeroForRigidMotionPositiveOtherwise) {
  torch::manual_seed(3);
  auto x = torch::randn({20, 3}, torch::kFloat64);
  auto moved = x.matmul(random_rotation()) + 4.0;
  EXPECT_LT(procrustes_error(x, moved), 1e-10);
  auto reflected = x * torch::tensor({-1.0, 1.0, 1.0}, torch::kFloat64);
  EXPECT_LT(procrustes_error(x, reflected), 1e-10);
  EXPECT_NEAR(procrustes_error(x, 2.0 * x), 1.0, 1e-10);  // no scaling: ||x - 2x|| / ||x||
}

TEST(Isomap, SwissRollCorrelatesWithTrueCoordinate) {
  // k = 6: at this density, points at the sparse outer corners need only about 8 neighbours
  // to reach across to the next turn of the roll (a short circuit that bends the embedding).
  auto data = noise_free("swiss_roll", 1000);
  auto iso = isomap(data.x, 6, 2);
  const auto t = data.coords.select(1, 0), h = data.coords.select(1, 1);
  const double rho_t = best_direction_spearman(iso.embedding, t);
  EXPECT_GT(rho_t, 0.9);
  EXPECT_GT(best_direction_spearman(iso.embedding, h), 0.9);
  EXPECT_GT(trustworthiness(data.x, iso.embedding, 10), 0.9);
  // PCA of the rolled-up sheet (MDS of straight-line distances) cannot unroll it.
  auto flat =
      classical_mds(torch::cdist(data.x.to(torch::kFloat64), data.x.to(torch::kFloat64)), 2);
  EXPECT_LT(best_direction_spearman(flat.embedding, t), rho_t - 0.1);
}

TEST(Isomap, DisconnectedGraphThrows) {
  auto x = torch::cat({torch::zeros({3, 2}) + torch::rand({3, 2}), 100 + torch::rand({3, 2})}, 0);
  EXPECT_THROW(isomap(x, 2, 2), c10::Error);
}

TEST(Spearman, RanksTiesAndMonotoneMaps) {
  EXPECT_TRUE(torch::equal(ranks(torch::tensor({10.0, 20.0, 20.0, 5.0})),
                           torch::tensor({2.0, 3.5, 3.5, 1.0}, torch::kFloat64)));
  auto a = torch::randn({50}, torch::kFloat64);
  EXPECT_NEAR(spearman(a, a.pow(3) + 1.0), 1.0, 1e-12);
  EXPECT_NEAR(spearman(a, -a.exp()), -1.0, 1e-12);
  EXPECT_EQ(spearman(a, torch::ones({50})), 0.0);
  // 1 - 6 sum d^2 / (n (n^2 - 1)) without ties: ranks (1..5) against (2, 1, 4, 3, 5).
  auto b = torch::tensor({2.0, 1.0, 4.0, 3.0, 5.0});
  EXPECT_NEAR(spearman(torch::arange(5.0), b), 1.0 - 6.0 * 4.0 / (5.0 * 24.0), 1e-12);
}

TEST(Spearman, BestDirectionIgnoresRotationOfThePlane) {
  auto t = torch::linspace(0, 1, 200, torch::kFloat64);
  auto h = torch::rand({200}, torch::kFloat64);
  auto c = std::cos(0.9), s = std::sin(0.9);
  auto emb = torch::stack({c * t - s * h, s * t + c * h}, 1);
  EXPECT_GT(best_direction_spearman(emb, t), 0.99);
  EXPECT_LT(std::abs(spearman(emb.select(1, 0), t)), 0.9);
}

TEST(Trustworthiness, OneForIdentityLowForShuffled) {
  torch::manual_seed(4);
  auto x = torch::randn({100, 3}, torch::kFloat64);
  EXPECT_NEAR(trustworthiness(x, x, 5), 1.0, 1e-12);
  auto shuffled = x.index_select(0, torch::randperm(100));
  EXPECT_LT(trustworthiness(x, shuffled, 5), 0.7);
  EXPECT_THROW(trustworthiness(x, x, 50), c10::Error);
}
