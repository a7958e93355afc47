#pragma once
// Tiling a manifold with local coordinate systems (Goodfellow et al. 2016, sec. 14.6,
// fig. 14.9): k-means partitions the points into regions, and PCA of each region gives a flat
// local chart (a "pancake") whose leading directions approximate the tangent plane there.
// A mixture of such patches is what local non-parametric methods and mixtures of factor
// analysers / PCA fit (Hinton et al. 1997, Tipping & Bishop 1999).
#include <torch/torch.h>

#include <cstdint>

namespace aezoo {

struct KMeansOptions {
  explicit KMeansOptions(int64_t clusters) : clusters_(clusters) {}
  /// Number of clusters K (>= 1, <= number of points).
  TORCH_ARG(int64_t, clusters);
  /// Most Lloyd iterations per run. Default: 100.
  TORCH_ARG(int64_t, max_iterations) = 100;
  /// Stop when no centre moves farther than this (data units). Default: 1e-6.
  TORCH_ARG(double, tolerance) = 1e-6;
  /// Independent k-means++ starts; the one with the lowest inertia wins. Default: 4.
  TORCH_ARG(int64_t, restarts) = 4;
  /// Seed of the k-means++ initialisation (the global generator is not touched). Default: 0.
  TORCH_ARG(uint64_t, seed) = 0;
};

struct KMeansResult {
  /// Cluster centres [K, D], float64.
  torch::Tensor centers;
  /// Cluster of each point, int64 [N].
  torch::Tensor assignment;
  /// Sum of squared distances of the points to their centres.
  double inertia = 0.0;
  /// Lloyd iterations of the winning start.
  int64_t iterations = 0;
};

/// k-means (Lloyd's algorithm) of x [N, D] with k-means++ initialisation (Arthur &
/// Vassilvitskii 2007) drawn from a generator seeded with options.seed: the same input and
/// options give the same result. A cluster that empties is re-seeded at the point farthest
/// from its centre.
KMeansResult kmeans(const torch::Tensor& x, const KMeansOptions& options);

/// One flat chart per k-means cluster.
struct Tiling {
  /// The clustering.
  KMeansResult clusters;
  /// Mean of each cluster's points, [K, D], float64.
  torch::Tensor centers;
  /// Principal directions of each cluster as columns, largest variance first, [K, D, D].
  torch::Tensor directions;
  /// Variances along them, [K, D] (0 for clusters of one point).
  torch::Tensor variances;
};

/// k-means of x [N, D] into options.clusters regions, then PCA of every region.
Tiling tile_manifold(const torch::Tensor& x, const KMeansOptions& options);

/// The outline of each chart as a closed polygon: an ellipse in the plane of the chart's two
/// leading directions (D >= 2) with semi-axes scale * sqrt(variance), `segments` (>= 3) + 1
/// vertices (the last repeats the first), [K, segments + 1, D] float64. In 2-D these are
/// the flat "pancakes" of fig. 14.9 seen from above; in 3-D, discs lying in the estimated
/// tangent planes. Defaults: scale 2, segments 32.
torch::Tensor chart_outlines(const Tiling& tiling, double scale = 2.0, int64_t segments = 32);

}  // namespace aezoo
