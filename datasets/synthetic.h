#pragma once
// Synthetic data sets with known structure: a Gaussian mixture (known density and score) and
// low-dimensional manifolds (known intrinsic coordinates and tangent spaces), for the score
// matching and manifold-learning parts of chapter 14.
//
// Every set is a deterministic function of DataOptions: points come from a torch::Generator
// seeded with DataOptions::seed, and structure that is random (line direction, mixture means
// for dim > 2) from a second generator derived from the same seed, so it does not depend on
// the number of points.
//
// Parameterisations (noise-free points; the data add isotropic Gaussian noise of std
// DataOptions::noise in the ambient space; coordinates are drawn uniformly in the ranges):
// - circle (D=2, k=1): theta in [0, 2 pi), x = (cos theta, sin theta).
// - spiral (D=2, k=1): t in [pi, 4 pi], x = (t cos t, t sin t) / (4 pi) (radius 0.25 to 1;
//   t is the angle, not arc length).
// - swiss_roll (D=3, k=2): (t, h), t in [1.5 pi, 4.5 pi], h in [-1, 1],
//   x = (t cos t / (4.5 pi), h, t sin t / (4.5 pi)).
// - line (D=dim, k=1): t in [-1, 1], x = t u with u a unit vector drawn from the seed.
// - sphere (D=3, k=2): (theta, phi), polar angle theta in [0, pi], azimuth phi in [0, 2 pi),
//   x = (sin theta cos phi, sin theta sin phi, cos theta), uniform on the sphere
//   (cos theta uniform in [-1, 1]).
// - gaussian_mixture (D=dim, no manifold): see GaussianMixture.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace aezoo {

/// Names of the synthetic data sets: gaussian_mixture, circle, spiral, swiss_roll, line, sphere.
std::vector<std::string> synthetic_dataset_names();
/// True if `name` is one of synthetic_dataset_names().
bool is_synthetic_dataset(const std::string& name);
/// True for the manifold data sets (circle, spiral, swiss_roll, line, sphere).
bool is_manifold_dataset(const std::string& name);

/// Ambient dimension D of a synthetic set: DataOptions::dim for gaussian_mixture and line, 2
/// for circle and spiral, 3 for swiss_roll and sphere. Throws std::invalid_argument for an
/// unknown name or dim < 1.
int64_t synthetic_ambient_dim(const DataOptions& options);
/// Intrinsic dimension k of a manifold data set: 1 for circle, spiral and line, 2 for
/// swiss_roll and sphere, 0 for gaussian_mixture. Throws std::invalid_argument otherwise.
int64_t manifold_intrinsic_dim(const std::string& name);

/// An equal-or-unequal-weight mixture of K isotropic Gaussians in R^D:
/// p(x) = sum_k weights[k] N(x; means[k], stds[k]^2 I). Parameters are float64.
struct GaussianMixture {
  /// Component means [K, D].
  torch::Tensor means;
  /// Component standard deviations [K] (isotropic).
  torch::Tensor stds;
  /// Mixing weights [K], positive, summing to 1.
  torch::Tensor weights;

  /// log p(x) for x [N, D] (any floating dtype and device; the result has x's dtype), [N].
  torch::Tensor log_prob(const torch::Tensor& x) const;
  /// The analytic score grad_x log p(x) = sum_k r_k(x) (means[k] - x) / stds[k]^2 with
  /// responsibilities r_k(x), [N, D] in x's dtype.
  torch::Tensor score(const torch::Tensor& x) const;
  /// n samples [n, D], float64. When `components` is given it receives the component index
  /// of each sample, int64 [n].
  torch::Tensor sample(int64_t n, torch::Generator& gen, torch::Tensor* components = nullptr) const;
};

/// The mixture behind the gaussian_mixture data set for `options`: K = components, D = dim,
/// equal weights 1/K, every std = mixture_std. Means: D=1 evenly spaced on [-2, 2]; D=2 on
/// the circle of radius 2 at angles 2 pi k / K; D>2 uniform on the sphere of radius 2, drawn
/// from the seed. In raw data units (before any normalisation). Throws std::invalid_argument
/// for components < 1, dim < 1 or mixture_std <= 0.
GaussianMixture gaussian_mixture(const DataOptions& options);

/// `n` intrinsic coordinates [n, k] (float64) of a manifold data set, drawn from `gen` as the
/// data set does (see the parameterisations above).
torch::Tensor sample_manifold_coords(const DataOptions& options, int64_t n, torch::Generator& gen);

/// The noise-free parameterisation: intrinsic coordinates [N, k] -> points [N, D], in the
/// dtype of `coords`. Coordinates outside the sampling ranges are allowed.
torch::Tensor manifold_embed(const DataOptions& options, const torch::Tensor& coords);

/// An orthonormal basis of the tangent space at manifold_embed(coords): [N, D, k] in the
/// dtype of `coords`; column j spans the direction of the derivative along coordinate j
/// (the columns are mutually orthogonal for every manifold here, so they are the normalised
/// partial derivatives; at the sphere's poles the phi column is the limit direction).
torch::Tensor manifold_tangents(const DataOptions& options, const torch::Tensor& coords);

/// Points of a synthetic data set, before any split or normalisation.
struct SyntheticData {
  /// Observed points, float32 [N, D] (noise-free point + noise).
  torch::Tensor x;
  /// gaussian_mixture: component index, int64 [N]; undefined for the manifolds.
  torch::Tensor y;
  /// Manifolds only: intrinsic coordinates [N, k], float32.
  torch::Tensor coords;
  /// Manifolds only: noise-free points [N, D], float32.
  torch::Tensor clean;
  /// Manifolds only: orthonormal tangent bases at `clean`, [N, D, k], float32.
  torch::Tensor tangents;
  /// Human-readable description of the generator and its parameters.
  std::string description;
};

/// Generates `n` points of the synthetic set named by options.dataset (computed in float64,
/// stored in float32). The same options and n give identical data. Throws
/// std::invalid_argument for an unknown name or invalid options (n < 1, noise < 0, ...).
SyntheticData generate_synthetic(const DataOptions& options, int64_t n);

}  // namespace aezoo
