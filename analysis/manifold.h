#pragma once
// Manifold analysis of trained autoencoders (Goodfellow et al. 2016, sec. 14.6 and 14.7;
// figs. 14.4-14.7 and 14.10): the reconstruction field r(x) - x, the encoder Jacobian and its
// singular spectrum, tangent planes from the Jacobian and from local PCA of nearest
// neighbours, and principal angles to score a tangent estimate against the truth.
//
// Conventions: points are rows, x [N, D] (a model's inputs may have any example shape
// [N, *input_shape]; Jacobians flatten it to D); a k-dimensional subspace at each of N points
// is an [N, D, k] tensor whose columns span it (orthonormal where so stated).
#include <torch/torch.h>

#include <cstdint>

#include "models/model.h"

namespace aezoo {

// --- fields of a trained model ----------------------------------------------------------------

/// A regular grid around `points` [N, D] (D = 1 or 2): the bounding box of the points widened
/// by `margin` (data units, >= 0) on every side, `steps` (>= 2) values per axis. Returns
/// [steps^D, D] float32; for D = 2 the first column varies fastest. Defaults: steps 25,
/// margin 0.5.
torch::Tensor grid_around(const torch::Tensor& points, int64_t steps = 25, double margin = 0.5);

/// The deterministic reconstruction r(x) = model.forward(x) in evaluation mode and without
/// gradients, for x [N, *input_shape] on any device (computed on the model's device, returned
/// on x's device, float32). The model's training flag is restored afterwards.
torch::Tensor reconstruct(AutoencoderBase& model, const torch::Tensor& x);

/// The reconstruction field r(x) - x (figs. 14.4, 14.5), same shape as x. For a denoising
/// autoencoder with small Gaussian noise sigma it approximates sigma^2 grad log p(x)
/// (Alain & Bengio 2014).
torch::Tensor reconstruction_field(AutoencoderBase& model, const torch::Tensor& x);

/// The encoder Jacobian df/dx at each example, [N, code_dim, D] with D the flattened input
/// size, by autograd: one vector-Jacobian product e_j^T J per code unit j, batched over the
/// examples (exact for any encoder, since example i's code depends on example i only).
/// Evaluation mode; the model's training flag is restored afterwards. float32 on x's device.
torch::Tensor encoder_jacobian(AutoencoderBase& model, const torch::Tensor& x);

/// Singular values and right singular vectors of a batch of matrices.
struct SingularSpectrum {
  /// Singular values, descending, [N, r] with r = min(rows, cols).
  torch::Tensor values;
  /// The matching right singular vectors as columns, [N, cols, r].
  torch::Tensor directions;
};

/// The thin SVD of `jacobians` [N, rows, cols] (computed in float64, returned in the input's
/// dtype). For an encoder Jacobian the leading right singular vectors are the input
/// directions the code is most sensitive to: for a contractive autoencoder, the tangent
/// plane of the data manifold (Rifai et al. 2011a, sec. 5).
SingularSpectrum singular_spectrum(const torch::Tensor& jacobians);

/// The leading `dim` (>= 1, <= min(code_dim, D)) right singular vectors of the encoder
/// Jacobian at each example: an orthonormal tangent estimate [N, D, dim].
torch::Tensor jacobian_tangents(AutoencoderBase& model, const torch::Tensor& x, int64_t dim);
/// The same from encoder Jacobians [N, code_dim, D] already computed (encoder_jacobian).
torch::Tensor jacobian_tangents(const torch::Tensor& encoder_jac, int64_t dim);

/// The Jacobian of the decoder's mean g at each code of `h` [N, code_dim], [N, D, code_dim]
/// with D the flattened example size: column j is the Jacobian-vector product J_g e_j, taken
/// as the derivative in v of the vector-Jacobian product J_g^T v (double backward; one pass per
/// code unit, batched over the examples). Evaluation mode, training flag restored; float32 on
/// h's device.
torch::Tensor decoder_jacobian(AutoencoderBase& model, const torch::Tensor& h);

/// The leading `dim` (>= 1, <= min(code_dim, D)) left singular vectors of the reconstruction
/// Jacobian dr/dx = J_g(f(x)) J_f(x) at each example, [N, D, dim] orthonormal, in x's dtype:
/// the directions in which the reconstruction moves, the tangent plane of the learned manifold
/// at r(x) (for an autoencoder with r a projection onto the data manifold, dr/dx is the
/// projector onto its tangent plane and these coincide with jacobian_tangents). Computed
/// without forming the D x D matrix: with J_f = U S V^T (thin), dr/dx = (J_g U S) V^T and V has
/// orthonormal columns, so its left singular vectors are those of the [D, code_dim] J_g U S.
torch::Tensor reconstruction_tangents(AutoencoderBase& model, const torch::Tensor& x, int64_t dim);
/// The same with the encoder Jacobian `encoder_jac` = encoder_jacobian(model, x) already
/// computed (callers that also want jacobian_tangents compute it once).
torch::Tensor reconstruction_tangents(AutoencoderBase& model,
                                      const torch::Tensor& x,
                                      const torch::Tensor& encoder_jac,
                                      int64_t dim);

// --- neighbours and local PCA ------------------------------------------------------------------

/// Indices (int64) [M, k] of the k (>= 1) nearest points of `reference` [N, D] to each query
/// of `queries` [M, D] by Euclidean distance, nearest first. With `exclude_self` the queries
/// must be the reference points themselves (M == N) and point i is not its own neighbour.
/// Throws c10::Error when fewer than k candidates exist. Default: exclude_self false.
torch::Tensor nearest_neighbors(const torch::Tensor& queries,
                                const torch::Tensor& reference,
                                int64_t k,
                                bool exclude_self = false);

/// Principal directions of point clouds.
struct LocalPCA {
  /// Orthonormal principal directions as columns, largest variance first, [M, D, dim].
  torch::Tensor directions;
  /// Variances along them (eigenvalues of the covariance, divisor k), [M, dim].
  torch::Tensor variances;
  /// The centre of each neighbourhood (the mean of its points), [M, D].
  torch::Tensor centers;
};

/// Local PCA tangent estimate ("no sharing across regions", fig. 14.10): for each query of
/// `queries` [M, D], the `neighbors` (>= 2) nearest points of `reference` [N, D] (query
/// excluded with `exclude_self`), centred on their mean, and their leading `dim` (>= 1, <= D)
/// principal directions. Computed in float64, returned in the queries' dtype. Default:
/// exclude_self false.
LocalPCA local_pca(const torch::Tensor& queries,
                   const torch::Tensor& reference,
                   int64_t neighbors,
                   int64_t dim,
                   bool exclude_self = false);

/// PCA of the rows of one point cloud [n, D] (n >= 1): the leading `dim` (>= 1, <= D)
/// directions [D, dim] and variances [dim] about the mean [D], as a LocalPCA with M = 1.
LocalPCA point_cloud_pca(const torch::Tensor& points, int64_t dim);

// --- comparing subspaces -----------------------------------------------------------------------

/// An orthonormal basis of the column span of each matrix of `a` [..., D, k] (k <= D, full
/// column rank): the Q of the reduced QR decomposition, in a's dtype.
torch::Tensor orthonormalize(const torch::Tensor& a);

/// The principal angles (radians, ascending) between span(a) and span(b), a [..., D, p],
/// b [..., D, q] (batch dimensions equal), [..., min(p, q)]. Both are orthonormalised first;
/// the cosines are the singular values of Q_a^T Q_b (Bjorck & Golub 1973), and angles below
/// pi/4 are taken from the sines, the singular values of Q_b - Q_a Q_a^T Q_b, which keeps
/// small angles accurate (Knyazev & Argentati 2002). Computed in float64, returned as
/// float64.
torch::Tensor principal_angles(const torch::Tensor& a, const torch::Tensor& b);

/// The largest principal angle in degrees between each estimate and the truth (both
/// [N, D, k]), [N] float64: 0 when the subspaces coincide, 90 when some estimated direction
/// is orthogonal to the true subspace. This is the subspace distance used in the tangent
/// tables of `aezoo analyze tangents`.
torch::Tensor tangent_error_degrees(const torch::Tensor& estimate, const torch::Tensor& truth);

// --- tangents where the true manifold is unknown (image data) ----------------------------------

/// Indices (int64) [M, k] of the k nearest other points of `pool` [N, D] to each of the
/// points pool[members] (`members` int64 [M]), nearest first: a member is never its own
/// neighbour (an exact duplicate of it elsewhere in the pool is). Throws c10::Error when
/// k > N - 1 or a member index is out of range.
torch::Tensor nearest_other_points(const torch::Tensor& pool,
                                   const torch::Tensor& members,
                                   int64_t k);

/// How well a tangent estimate predicts where nearby data lies: for each point m, the mean
/// over its displacements delta = x_neighbour - x_m ([M, q, D]) of ||P_m delta||^2 /
/// ||delta||^2, with P_m the orthogonal projector onto the span of tangents[m] ([M, D, d],
/// orthonormalised here); zero displacements are skipped (NaN where all are zero). [M] float64
/// in [0, 1]: 1 when every displacement lies in the estimated tangent plane, d / D in
/// expectation for a random plane.
/// With neighbours held out from whatever produced the estimate this is a test-set score for
/// tangent planes of data without a known manifold (fig. 14.10).
torch::Tensor tangent_fit(const torch::Tensor& tangents, const torch::Tensor& displacements);

}  // namespace aezoo
