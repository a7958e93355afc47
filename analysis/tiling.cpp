#include "analysis/tiling.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

#include "analysis/manifold.h"

namespace aezoo {

namespace {

torch::Tensor squared_distances(const torch::Tensor& x, const torch::Tensor& centers) {
  return torch::cdist(x, centers, 2.0, /*compute_mode=*/2).square();
}

/// k-means++ seeding: the first centre uniformly, each next one with probability
/// proportional to the squared distance to the nearest centre chosen so far.
torch::Tensor kmeans_plus_plus(const torch::Tensor& x, int64_t k, torch::Generator& gen) {
  const int64_t n = x.size(0);
  std::vector<int64_t> chosen{torch::randint(n, {1}, gen, torch::kLong).item<int64_t>()};
  auto nearest = squared_distances(x, x.narrow(0, chosen[0], 1)).squeeze(1);
  while (static_cast<int64_t>(chosen.size()) < k) {
    int64_t next;
    if (nearest.sum().item<double>() > 0) {
      next = torch::multinomial(nearest, 1, /*replacement=*/false, gen).item<int64_t>();
    } else {  // every point coincides with a centre: any point will do
      next = torch::randint(n, {1}, gen, torch::kLong).item<int64_t>();
    }
    chosen.push_back(next);
    nearest = torch::minimum(nearest, squared_distances(x, x.narrow(0, next, 1)).squeeze(1));
  }
  return x.index_select(0, torch::tensor(chosen, torch::kLong)).clone();
}

}  // namespace

KMeansResult kmeans(const torch::Tensor& x, const KMeansOptions& options) {
  TORCH_CHECK(x.defined() && x.dim() == 2, "k-means needs points [N, D]");
  const int64_t n = x.size(0), k = options.clusters();
  TORCH_CHECK(k >= 1 && k <= n, "clusters must be in [1, N = ", n, "], got ", k);
  TORCH_CHECK(options.max_iterations() >= 1,
              "max_iterations must be positive, got ",
              options.max_iterations());
  TORCH_CHECK(options.restarts() >= 1, "restarts must be positive, got ", options.restarts());
  TORCH_CHECK(
      options.tolerance() >= 0, "tolerance must be non-negative, got ", options.tolerance());
  const auto xd = x.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Generator gen = at::detail::createCPUGenerator(options.seed());
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int64_t start = 0; start < options.restarts(); ++start) {
    auto centers = kmeans_plus_plus(xd, k, gen);
    torch::Tensor assignment, d2;
    int64_t it = 0;
    while (it < options.max_iterations()) {
      ++it;
      d2 = squared_distances(xd, centers);
      assignment = d2.argmin(1);
      const auto counts = torch::bincount(assignment, {}, k).to(torch::kFloat64);
      auto updated = torch::zeros_like(centers).index_add_(0, assignment, xd) /
                     counts.clamp_min(1.0).unsqueeze(1);
      // An empty cluster restarts at the point that is worst served by its centre.
      auto own = d2.gather(1, assignment.unsqueeze(1)).squeeze(1).clone();
      for (int64_t c = 0; c < k; ++c) {
        if (counts[c].item<double>() > 0)
          continue;
        const int64_t far = own.argmax().item<int64_t>();
        updated[c] = xd[far];
        own[far] = 0.0;
      }
      const double shift = (updated - centers).norm(2, 1).max().item<double>();
      centers = updated;
      if (shift <= options.tolerance())
        break;
    }
    d2 = squared_distances(xd, centers);
    assignment = d2.argmin(1);
    const double inertia = d2.gather(1, assignment.unsqueeze(1)).sum().item<double>();
    if (inertia < best.inertia)
      best = {centers, assignment, inertia, it};
  }
  return best;
}

Tiling tile_manifold(const torch::Tensor& x, const KMeansOptions& options) {
  Tiling t;
  t.clusters = kmeans(x, options);
  const auto xd = x.detach().to(torch::kCPU, torch::kFloat64);
  const int64_t k = options.clusters(), d = xd.size(1);
  t.centers = torch::empty({k, d}, torch::kFloat64);
  t.directions = torch::empty({k, d, d}, torch::kFloat64);
  t.variances = torch::empty({k, d}, torch::kFloat64);
  for (int64_t c = 0; c < k; ++c) {
    const auto members = xd.index_select(0, (t.clusters.assignment == c).nonzero().squeeze(1));
    const auto pca = point_cloud_pca(members, d);
    t.centers[c] = pca.centers[0];
    t.directions[c] = pca.directions[0];
    t.variances[c] = pca.variances[0];
  }
  return t;
}

torch::Tensor chart_outlines(const Tiling& tiling, double scale, int64_t segments) {
  TORCH_CHECK(tiling.directions.defined() && tiling.directions.size(1) >= 2,
              "chart outlines need data of at least 2 dimensions");
  TORCH_CHECK(segments >= 3, "segments must be at least 3, got ", segments);
  TORCH_CHECK(scale > 0, "scale must be positive, got ", scale);
  const auto phi = torch::linspace(0.0, 2.0 * M_PI, segments + 1, torch::kFloat64);
  phi[segments] = 0.0;  // close the polygon exactly
  const auto axes = scale * tiling.variances.narrow(1, 0, 2).clamp_min(0.0).sqrt();  // [K, 2]
  const auto u1 = tiling.directions.select(2, 0).unsqueeze(1);                       // [K, 1, D]
  const auto u2 = tiling.directions.select(2, 1).unsqueeze(1);
  const auto a = (axes.select(1, 0).unsqueeze(1) * phi.cos().unsqueeze(0)).unsqueeze(2);
  const auto b = (axes.select(1, 1).unsqueeze(1) * phi.sin().unsqueeze(0)).unsqueeze(2);
  return tiling.centers.unsqueeze(1) + a * u1 + b * u2;
}

}  // namespace aezoo
