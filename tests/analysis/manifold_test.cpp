// Tests of analysis/manifold.h: principal angles against closed forms, local PCA and the
// encoder-Jacobian tangent against known tangents, and the reconstruction field of a model
// that is exactly the identity.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "analysis/manifold.h"
#include "datasets/synthetic.h"
#include "models/autoencoder.h"

using namespace aezoo;

namespace {

constexpr double kDeg = 180.0 / M_PI;

/// A linear autoencoder D -> k -> D with a Gaussian decoder and hand-set weights.
Autoencoder linear_model(const torch::Tensor& w_enc,
                         const torch::Tensor& b_enc,
                         const torch::Tensor& w_dec,
                         const torch::Tensor& b_dec,
                         Activation code_activation = Activation::identity,
                         LikelihoodKind likelihood = LikelihoodKind::gaussian) {
  const int64_t k = w_enc.size(0), d = w_enc.size(1);
  Autoencoder m(
      AutoencoderOptions(NetworkOptions({d}, k).hidden({}).code_activation(code_activation))
          .likelihood(LikelihoodOptions().kind(likelihood))
          .type("linear_autoencoder"));
  torch::NoGradGuard no_grad;
  auto params = m->named_parameters();
  params["network.encoder.weight0"].copy_(w_enc);
  params["network.encoder.bias0"].copy_(b_enc);
  params["network.decoder.weight0"].copy_(w_dec);
  params["network.decoder.bias0"].copy_(b_dec);
  return m;
}

DataOptions manifold_options(const std::string& name, double noise) {
  DataOptions o;
  o.dataset = name;
  o.noise = noise;
  o.seed = 3;
  return o;
}

}  // namespace

TEST(PrincipalAngles, LineRotatedByKnownAngle) {
  for (double theta : {1e-7, 1e-3, 0.3, M_PI / 4, 1.2, M_PI / 2}) {
    auto a = torch::tensor({1.0, 0.0, 0.0}, torch::kFloat64).view({1, 3, 1});
    auto b =
        torch::tensor({std::cos(theta), std::sin(theta), 0.0}, torch::kFloat64).view({1, 3, 1});
    const auto angles = principal_angles(a, b);
    ASSERT_EQ(angles.sizes(), (std::vector<int64_t>{1, 1}));
    EXPECT_NEAR(angles.item<double>(), theta, 1e-12) << "theta " << theta;
  }
}

TEST(PrincipalAngles, PlanesSharingALine) {
  // span(e1, e2) against span(e1 + e2, e2 cos t + e3 sin t) (a non-orthonormal basis):
  // principal angles 0 and t.
  const double t = 0.7;
  auto a = torch::zeros({4, 2}, torch::kFloat64);
  a[0][0] = 1.0;
  a[1][1] = 1.0;
  auto b = torch::zeros({4, 2}, torch::kFloat64);
  b[0][0] = 1.0;
  b[1][0] = std::cos(t);
  b[2][0] = std::sin(t);
  b[1][1] = std::cos(t);
  b[2][1] = std::sin(t);
  const auto angles = principal_angles(a.unsqueeze(0), b.unsqueeze(0)).squeeze(0);
  EXPECT_NEAR(angles[0].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(angles[1].item<double>(), t, 1e-12);
  // Against a line: min(p, q) = 1 angle, the angle between the line and the plane.
  auto line =
      torch::tensor({0.0, std::cos(0.2), 0.0, std::sin(0.2)}, torch::kFloat64).view({1, 4, 1});
  EXPECT_NEAR(principal_angles(a.unsqueeze(0), line).item<double>(), 0.2, 1e-12);
  EXPECT_NEAR(principal_angles(line, a.unsqueeze(0)).item<double>(), 0.2, 1e-12);
  EXPECT_NEAR(tangent_error_degrees(b.unsqueeze(0), a.unsqueeze(0)).item<double>(), t * kDeg, 1e-9);
}

TEST(PrincipalAngles, RejectsMismatchedDimensions) {
  EXPECT_THROW(principal_angles(torch::rand({1, 3, 1}), torch::rand({1, 4, 1})), c10::Error);
  EXPECT_THROW(principal_angles(torch::rand({1, 2, 3}), torch::rand({1, 2, 1})), c10::Error);
}

TEST(NearestNeighbors, OrderAndSelfExclusion) {
  auto x = torch::tensor({0.0, 1.0, 3.0, 7.0}).view({4, 1});
  auto idx = nearest_neighbors(x, x, 2, /*exclude_self=*/true);
  EXPECT_TRUE(
      torch::equal(idx, torch::tensor({1, 2, 0, 2, 1, 0, 2, 1}, torch::kLong).view({4, 2})));
  auto q = torch::tensor({2.9}).view({1, 1});
  EXPECT_EQ(nearest_neighbors(q, x, 1).item<int64_t>(), 2);
  EXPECT_THROW(nearest_neighbors(x, x, 4, true), c10::Error);
}

TEST(LocalPCA, RecoversCircleTangent) {
  auto data = generate_synthetic(manifold_options("circle", 0.0), 500);
  auto pca = local_pca(data.x, data.x, 10, 1, /*exclude_self=*/true);
  ASSERT_EQ(pca.directions.sizes(), (std::vector<int64_t>{500, 2, 1}));
  const auto err = tangent_error_degrees(pca.directions, data.tangents);
  EXPECT_LT(err.max().item<double>(), 2.0);
  // The variance along the tangent dominates the one across it.
  auto full = local_pca(data.x, data.x, 10, 2, true);
  EXPECT_TRUE(
      (full.variances.select(1, 1) < 0.01 * full.variances.select(1, 0)).all().item<bool>());
  EXPECT_THROW(local_pca(data.x, data.x, 10, 3, true), c10::Error);
}

TEST(LocalPCA, SphereTangentPlane) {
  auto data = generate_synthetic(manifold_options("sphere", 0.0), 2000);
  auto pca = local_pca(data.x, data.x, 12, 2, true);
  EXPECT_LT(tangent_error_degrees(pca.directions, data.tangents).mean().item<double>(), 5.0);
}

TEST(PointCloudPCA, AxisAlignedEllipse) {
  auto t = torch::linspace(0, 2 * M_PI, 401, torch::kFloat64).narrow(0, 0, 400);
  auto pts = torch::stack({3.0 * t.cos(), 0.5 * t.sin()}, 1) + 2.0;
  auto pca = point_cloud_pca(pts, 2);
  EXPECT_NEAR(pca.variances[0][0].item<double>(), 4.5, 1e-9);  // 3^2 / 2
  EXPECT_NEAR(pca.variances[0][1].item<double>(), 0.125, 1e-9);
  EXPECT_NEAR(std::abs(pca.directions[0][0][0].item<double>()), 1.0, 1e-9);
  EXPECT_TRUE(torch::allclose(pca.centers[0], torch::full({2}, 2.0, torch::kFloat64), 1e-9, 1e-9));
}

TEST(EncoderJacobian, MatchesClosedFormOfOneTanhLayer) {
  torch::manual_seed(1);
  auto w = torch::randn({3, 5});
  auto b = torch::randn({3});
  auto m = linear_model(w, b, torch::randn({5, 3}), torch::zeros({5}), Activation::tanh);
  auto x = torch::randn({6, 5});
  m->train();
  const auto j = encoder_jacobian(*m, x);
  EXPECT_TRUE(m->is_training()) << "the training flag must be restored";
  ASSERT_EQ(j.sizes(), (std::vector<int64_t>{6, 3, 5}));
  // d tanh(W x + b) / dx = diag(1 - tanh^2(W x + b)) W.
  auto s = 1 - torch::tanh(x.matmul(w.t()) + b).square();
  auto expected = s.unsqueeze(2) * w.unsqueeze(0);
  EXPECT_TRUE(torch::allclose(j, expected, 1e-5, 1e-6));
}

TEST(EncoderJacobian, TangentOfLinearEncoderIsLeadingRightSingularVector) {
  // W = 3 u1 v1^T + 0.5 u2 v2^T: the leading right singular vector is v1, the plane {v1, v2}.
  auto v1 = torch::tensor({1.0, 2.0, 2.0}) / 3.0;
  auto v2 = torch::tensor({2.0, 1.0, -2.0}) / 3.0;
  auto u1 = torch::tensor({0.6, 0.8}), u2 = torch::tensor({-0.8, 0.6});
  auto w = 3.0 * torch::outer(u1, v1) + 0.5 * torch::outer(u2, v2);
  auto m = linear_model(w, torch::zeros({2}), w.t(), torch::zeros({3}));
  auto x = torch::randn({4, 3});
  auto t1 = jacobian_tangents(*m, x, 1);
  ASSERT_EQ(t1.sizes(), (std::vector<int64_t>{4, 3, 1}));
  auto truth = v1.view({1, 3, 1}).expand({4, 3, 1});
  EXPECT_LT(tangent_error_degrees(t1, truth).max().item<double>(), 1e-3);
  auto t2 = jacobian_tangents(*m, x, 2);
  auto plane = torch::stack({v1, v2}, 1).unsqueeze(0).expand({4, 3, 2});
  EXPECT_LT(tangent_error_degrees(t2, plane).max().item<double>(), 1e-3);
  auto spectrum = singular_spectrum(encoder_jacobian(*m, x));
  EXPECT_TRUE(torch::allclose(spectrum.values[0], torch::tensor({3.0f, 0.5f}), 1e-5, 1e-5));
  EXPECT_THROW(jacobian_tangents(*m, x, 3), c10::Error);
}

TEST(DecoderJacobian, MatchesClosedFormOfASigmoidDecoder) {
  torch::manual_seed(4);
  auto w_dec = torch::randn({5, 3});
  auto b_dec = torch::randn({5});
  auto m = linear_model(torch::randn({3, 5}),
                        torch::zeros({3}),
                        w_dec,
                        b_dec,
                        Activation::identity,
                        LikelihoodKind::bernoulli);
  auto h = torch::randn({4, 3});
  m->train();
  const auto j = decoder_jacobian(*m, h);
  EXPECT_TRUE(m->is_training()) << "the training flag must be restored";
  ASSERT_EQ(j.sizes(), (std::vector<int64_t>{4, 5, 3}));
  // The Bernoulli decoder's mean is sigmoid(W h + b): d/dh = diag(s (1 - s)) W.
  const auto sig = torch::sigmoid(h.matmul(w_dec.t()) + b_dec);
  const auto expected = (sig * (1 - sig)).unsqueeze(2) * w_dec.unsqueeze(0);
  EXPECT_TRUE(torch::allclose(j, expected, 1e-5, 1e-6)) << (j - expected).abs().max();
}

TEST(ReconstructionTangents, AgreeWithTheSvdOfTheExplicitJacobian) {
  // A nonlinear model: tanh code, sigmoid decoder. The reference is dr/dx built row by row
  // (one backward pass per output) and decomposed as a whole D x D matrix.
  torch::manual_seed(5);
  const int64_t d = 6, c = 3, n = 5;
  auto m = linear_model(torch::randn({c, d}),
                        torch::randn({c}),
                        torch::randn({d, c}),
                        torch::randn({d}),
                        Activation::tanh,
                        LikelihoodKind::bernoulli);
  auto x = torch::randn({n, d});
  const auto xin = x.clone().requires_grad_(true);
  const auto r = m->forward(xin);
  std::vector<torch::Tensor> rows;
  for (int64_t i = 0; i < d; ++i) {
    rows.push_back(torch::autograd::grad({r.select(1, i).sum()}, {xin}, {}, true)[0]);
  }
  const auto jr = torch::stack(rows, 1).to(torch::kFloat64);  // [n, D, D]
  const auto [u, s, vh] = torch::linalg_svd(jr, false);
  for (int64_t dim = 1; dim <= c; ++dim) {
    const auto t = reconstruction_tangents(*m, x, dim);
    ASSERT_EQ(t.sizes(), (std::vector<int64_t>{n, d, dim}));
    const auto err = tangent_error_degrees(t, u.narrow(2, 0, dim));
    EXPECT_LT(err.max().item<double>(), 0.05) << "dim " << dim;
    // Orthonormal columns.
    const auto gram = t.transpose(1, 2).matmul(t);
    EXPECT_TRUE(torch::allclose(gram, torch::eye(dim).expand({n, dim, dim}), 1e-5, 1e-5));
  }
  EXPECT_THROW(reconstruction_tangents(*m, x, c + 1), c10::Error);
}

TEST(ReconstructionTangents, LinearAutoencoderGivesTheEncoderPlane) {
  // W = 3 u1 v1^T + 0.5 u2 v2^T and decoder W^T: dr/dx = W^T W = 9 v1 v1^T + 0.25 v2 v2^T.
  auto v1 = torch::tensor({1.0, 2.0, 2.0}) / 3.0;
  auto v2 = torch::tensor({2.0, 1.0, -2.0}) / 3.0;
  auto u1 = torch::tensor({0.6, 0.8}), u2 = torch::tensor({-0.8, 0.6});
  auto w = (3.0 * torch::outer(u1, v1) + 0.5 * torch::outer(u2, v2)).to(torch::kFloat32);
  auto m = linear_model(w, torch::zeros({2}), w.t(), torch::zeros({3}));
  auto x = torch::randn({4, 3});
  auto truth = v1.view({1, 3, 1}).expand({4, 3, 1});
  EXPECT_LT(tangent_error_degrees(reconstruction_tangents(*m, x, 1), truth).max().item<double>(),
            1e-3);
}

TEST(TangentFit, ClosedFormShares) {
  // Tangent e1 in R^3 (given as 2 e1: the basis is orthonormalised first).
  auto t = torch::tensor({2.0, 0.0, 0.0}).view({1, 3, 1});
  // (1, 1, 0): half its squared length along e1; (0, 0, 2): none; (3, 0, 0): all; zero: skipped.
  auto disp =
      torch::tensor({1.0, 1.0, 0.0, 0.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0}).view({1, 4, 3});
  EXPECT_NEAR(tangent_fit(t, disp).item<double>(), (0.5 + 0.0 + 1.0) / 3.0, 1e-12);
  // Only zero displacements: undefined.
  EXPECT_TRUE(std::isnan(tangent_fit(t, torch::zeros({1, 2, 3})).item<double>()));
  // A plane containing every displacement explains all of it.
  auto plane = torch::tensor({1.0, 0.0, 0.0, 1.0, 0.0, 0.0}).view({1, 3, 2});
  auto in_plane = torch::tensor({1.0, 2.0, 0.0, -3.0, 0.5, 0.0}).view({1, 2, 3});
  EXPECT_NEAR(tangent_fit(plane, in_plane).item<double>(), 1.0, 1e-12);
  EXPECT_THROW(tangent_fit(t, torch::zeros({1, 2, 4})), c10::Error);
}

TEST(TangentFit, RandomPlaneExplainsDOverDOfIsotropicDisplacements) {
  torch::manual_seed(6);
  const int64_t m = 400, d = 40, k = 4;
  auto t = torch::randn({m, d, k}, torch::kFloat64);
  auto disp = torch::randn({m, 8, d}, torch::kFloat64);
  // E[share] = k / D for isotropic displacements; the mean of 3200 Beta(2, 18) draws has
  // standard deviation about 0.001.
  EXPECT_NEAR(tangent_fit(t, disp).mean().item<double>(), 0.1, 0.006);
}

TEST(NearestOtherPoints, ExcludesTheMemberButNotItsDuplicate) {
  // Points 0 and 1 coincide; 2 and 3 lie at 1 and 3 on a line.
  auto pool = torch::tensor({0.0, 0.0, 1.0, 3.0}).view({4, 1});
  auto nb = nearest_other_points(pool, torch::tensor({0L, 2L, 3L}), 2);
  ASSERT_EQ(nb.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(nb[0][0].item<int64_t>(), 1);  // the duplicate, at distance 0
  EXPECT_EQ(nb[0][1].item<int64_t>(), 2);
  EXPECT_NE(nb[1][0].item<int64_t>(), 2);
  EXPECT_NE(nb[1][1].item<int64_t>(), 2);
  EXPECT_EQ(nb[2][0].item<int64_t>(), 2);
  EXPECT_THROW(nearest_other_points(pool, torch::tensor({0L}), 4), c10::Error);
  EXPECT_THROW(nearest_other_points(pool, torch::tensor({4L}), 1), c10::Error);
}

TEST(ReconstructionField, IdentityModelGivesZeroField) {
  auto m = linear_model(torch::eye(2), torch::zeros({2}), torch::eye(2), torch::zeros({2}));
  auto data = generate_synthetic(manifold_options("spiral", 0.05), 50);
  auto grid = grid_around(data.x, 7, 0.5);
  ASSERT_EQ(grid.sizes(), (std::vector<int64_t>{49, 2}));
  EXPECT_EQ(reconstruction_field(*m, grid).abs().max().item<float>(), 0.0f);
  // A model that halves its input: r(x) - x = -x / 2.
  auto half =
      linear_model(torch::eye(2), torch::zeros({2}), 0.5 * torch::eye(2), torch::zeros({2}));
  EXPECT_TRUE(torch::allclose(reconstruction_field(*half, grid), -0.5 * grid, 1e-6, 1e-6));
}

TEST(GridAround, CoversTheDataWithMargin) {
  auto pts = torch::tensor({{0.0f, 1.0f}, {2.0f, 3.0f}});
  auto g = grid_around(pts, 3, 0.5);
  // x varies fastest: (-0.5, 0.5), (1, 0.5), (2.5, 0.5), (-0.5, 2), ...
  EXPECT_TRUE(torch::allclose(g[1], torch::tensor({1.0f, 0.5f})));
  EXPECT_TRUE(torch::allclose(g[3], torch::tensor({-0.5f, 2.0f})));
  EXPECT_TRUE(torch::allclose(g[8], torch::tensor({2.5f, 3.5f})));
  EXPECT_EQ(grid_around(torch::tensor({-1.0f, 1.0f}).view({2, 1}), 5, 0.0).size(0), 5);
  EXPECT_THROW(grid_around(torch::rand({4, 3}), 5, 0.0), c10::Error);
  EXPECT_THROW(grid_around(pts, 1, 0.0), c10::Error);
}
