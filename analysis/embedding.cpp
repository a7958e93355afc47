#include "analysis/embedding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace aezoo {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void check_points(const torch::Tensor& x, const char* name) {
  TORCH_CHECK(x.defined() && x.dim() == 2,
              name,
              " must be a 2-D tensor [N, D] of points, got ",
              x.defined() ? x.sizes() : c10::IntArrayRef{});
}

void check_square(const torch::Tensor& m, const char* name) {
  TORCH_CHECK(m.defined() && m.dim() == 2 && m.size(0) == m.size(1),
              name,
              " must be a square matrix [N, N], got ",
              m.defined() ? m.sizes() : c10::IntArrayRef{});
}

/// Exact pairwise Euclidean distances in float64 (no ||a||^2 + ||b||^2 - 2ab shortcut, whose
/// cancellation would blur the short edges that geodesics are made of).
torch::Tensor pairwise_distances(const torch::Tensor& a, const torch::Tensor& b) {
  return torch::cdist(a.detach().to(torch::kFloat64),
                      b.detach().to(torch::kFloat64),
                      2.0,
                      /*compute_mode=*/2);
}

}  // namespace

torch::Tensor knn_graph(const torch::Tensor& x, int64_t k) {
  check_points(x, "x");
  const int64_t n = x.size(0);
  TORCH_CHECK(k >= 1 && k < n,
              "the number of neighbours must be in [1, N - 1] = [1, ",
              n - 1,
              "], got ",
              k);
  const auto dist = pairwise_distances(x, x);
  auto masked = dist.clone();
  masked.fill_diagonal_(kInf);
  const auto idx = std::get<1>(masked.topk(k, 1, /*largest=*/false));
  auto edge = torch::zeros({n, n}, torch::TensorOptions().dtype(torch::kBool).device(x.device()));
  edge.scatter_(1, idx, true);
  edge = edge.logical_or(edge.t());
  auto w = torch::where(edge, dist, torch::full_like(dist, kInf));
  w.fill_diagonal_(0.0);
  return w;
}

torch::Tensor graph_edges(const torch::Tensor& weights) {
  check_square(weights, "weights");
  const auto finite = torch::isfinite(weights);
  const auto upper = torch::ones_like(finite).triu(1);
  return finite.logical_and(upper).nonzero();
}

torch::Tensor shortest_paths(const torch::Tensor& weights) {
  check_square(weights, "weights");
  auto d = weights.detach().to(torch::kFloat64).clone();
  TORCH_CHECK((d >= 0).all().item<bool>(), "edge lengths must be non-negative");
  d.fill_diagonal_(0.0);
  auto through = torch::empty_like(d);
  // Floyd-Warshall: after step m, d[i, j] is the shortest path using intermediates 0..m. Row
  // and column m do not change in step m (d[m, m] = 0), so the update can be done in place.
  for (int64_t m = 0; m < d.size(0); ++m) {
    torch::add_out(through, d.select(1, m).unsqueeze(1), d.select(0, m).unsqueeze(0));
    torch::minimum_out(d, d, through);
  }
  return d;
}

MDSResult classical_mds(const torch::Tensor& distances, int64_t dims) {
  check_square(distances, "distances");
  const int64_t n = distances.size(0);
  TORCH_CHECK(dims >= 1 && dims <= n, "dims must be in [1, N = ", n, "], got ", dims);
  const auto d2 = distances.detach().to(torch::kFloat64).square();
  TORCH_CHECK(torch::isfinite(d2).all().item<bool>(), "distances must be finite");
  // B = -1/2 J D^2 J with J = I - 11^T / N (Torgerson 1952).
  const auto b = -0.5 * (d2 - d2.mean(0, true) - d2.mean(1, true) + d2.mean());
  const auto [evals, evecs] = torch::linalg_eigh(0.5 * (b + b.t()), "L");  // ascending
  const auto vals = evals.flip(0).narrow(0, 0, dims);
  auto vecs = evecs.flip(1).narrow(1, 0, dims);
  // Fix each eigenvector's sign (its largest entry positive) so results are reproducible.
  const auto pivot = vecs.abs().argmax(0);
  const auto signs = vecs.gather(0, pivot.unsqueeze(0)).sign();
  vecs = vecs * torch::where(signs == 0, torch::ones_like(signs), signs);
  return {vecs * vals.clamp_min(0.0).sqrt().unsqueeze(0), vals};
}

IsomapResult isomap(const torch::Tensor& x, int64_t neighbors, int64_t dims) {
  IsomapResult out;
  out.graph = knn_graph(x, neighbors);
  out.geodesic = shortest_paths(out.graph);
  TORCH_CHECK(torch::isfinite(out.geodesic).all().item<bool>(),
              "the ",
              neighbors,
              "-nearest-neighbour graph of the ",
              x.size(0),
              " points is disconnected; increase the number of neighbours");
  auto mds = classical_mds(out.geodesic, dims);
  out.embedding = mds.embedding;
  out.eigenvalues = mds.eigenvalues;
  return out;
}

torch::Tensor ranks(const torch::Tensor& v) {
  TORCH_CHECK(v.defined() && v.dim() == 1, "expected a vector [N]");
  const auto values = v.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t n = values.size(0);
  const auto order = std::get<1>(values.sort(0, /*descending=*/false)).contiguous();
  const double* val = values.data_ptr<double>();
  const int64_t* ord = order.data_ptr<int64_t>();
  auto out = torch::empty({n}, torch::kFloat64);
  double* r = out.data_ptr<double>();
  for (int64_t i = 0; i < n;) {
    int64_t j = i;
    while (j + 1 < n && val[ord[j + 1]] == val[ord[i]])
      ++j;
    const double average = 0.5 * static_cast<double>(i + j) + 1.0;  // ranks are 1-based
    for (int64_t m = i; m <= j; ++m)
      r[ord[m]] = average;
    i = j + 1;
  }
  return out;
}

double spearman(const torch::Tensor& a, const torch::Tensor& b) {
  TORCH_CHECK(a.defined() && b.defined() && a.dim() == 1 && b.dim() == 1 &&
                  a.size(0) == b.size(0) && a.size(0) >= 2,
              "spearman needs two vectors of the same length N >= 2");
  const auto ra = ranks(a), rb = ranks(b);
  const auto ca = ra - ra.mean(), cb = rb - rb.mean();
  const double denom =
      std::sqrt(ca.square().sum().item<double>() * cb.square().sum().item<double>());
  if (denom == 0.0)
    return 0.0;
  return (ca * cb).sum().item<double>() / denom;
}

double best_direction_spearman(const torch::Tensor& embedding,
                               const torch::Tensor& target,
                               int64_t angles) {
  check_points(embedding, "embedding");
  TORCH_CHECK(angles >= 1, "angles must be positive, got ", angles);
  const auto e = embedding.detach().to(torch::kCPU, torch::kFloat64);
  if (e.size(1) == 1)
    return std::abs(spearman(e.select(1, 0), target));
  const auto plane = e.narrow(1, 0, 2);
  double best = 0.0;
  for (int64_t a = 0; a < angles; ++a) {
    const double theta = M_PI * static_cast<double>(a) / static_cast<double>(angles);
    const auto u = torch::tensor({std::cos(theta), std::sin(theta)}, torch::kFloat64);
    best = std::max(best, std::abs(spearman(plane.matmul(u), target)));
  }
  return best;
}

double trustworthiness(const torch::Tensor& reference, const torch::Tensor& embedding, int64_t k) {
  check_points(reference, "reference");
  check_points(embedding, "embedding");
  const int64_t n = reference.size(0);
  TORCH_CHECK(embedding.size(0) == n, "reference and embedding hold different numbers of points");
  TORCH_CHECK(k >= 1 && 2 * k < n, "k must be in [1, N / 2), got ", k, " for N = ", n);
  // rank[i, j]: position of j among the points sorted by distance to i in the reference
  // (i itself at 0, so the nearest neighbour has rank 1).
  auto dref = pairwise_distances(reference, reference);
  dref.fill_diagonal_(-1.0);
  const auto order = std::get<1>(dref.sort(1));
  auto rank = torch::empty_like(order);
  rank.scatter_(1, order, torch::arange(n, order.options()).unsqueeze(0).expand({n, n}));
  auto demb = pairwise_distances(embedding, embedding);
  demb.fill_diagonal_(kInf);
  const auto nn = std::get<1>(demb.topk(k, 1, /*largest=*/false));
  // Neighbours in the embedding with reference rank r > k are intruders and cost r - k.
  const double penalty = (rank.gather(1, nn) - k).clamp_min(0).sum().item<double>();
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * penalty;
}

double procrustes_error(const torch::Tensor& x, const torch::Tensor& y) {
  check_points(x, "x");
  check_points(y, "y");
  TORCH_CHECK(x.sizes() == y.sizes(),
              "x and y must have the same shape, got ",
              x.sizes(),
              " and ",
              y.sizes());
  const auto xd = x.detach().to(torch::kFloat64), yd = y.detach().to(torch::kFloat64);
  const auto xc = xd - xd.mean(0, true), yc = yd - yd.mean(0, true);
  // R = U V^T from the SVD of Y^T X minimises ||X - Y R||_F over orthogonal R (Schoenemann 1966).
  const auto [u, s, vh] = torch::linalg_svd(yc.t().matmul(xc), false);
  (void)s;
  const auto r = u.matmul(vh);
  const double scale = xc.norm().item<double>();
  TORCH_CHECK(scale > 0, "x has no spread (all points equal)");
  return (xc - yc.matmul(r)).norm().item<double>() / scale;
}

}  // namespace aezoo
