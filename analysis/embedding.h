#pragma once
// Non-parametric manifold learning with nearest-neighbour graphs (Goodfellow et al. 2016,
// sec. 5.11.3 and 14.6, fig. 14.8): a k-nearest-neighbour graph, geodesic distances along it,
// classical multidimensional scaling, and Isomap (Tenenbaum, de Silva & Langford 2000) built
// from the three; plus the measures used to compare an embedding with the true manifold
// coordinates (Spearman rank correlation, trustworthiness, Procrustes error).
//
// Everything works on dense [N, N] matrices (LibTorch tensors, float64): fine for the few
// thousand points of the synthetic manifolds.
#include <torch/torch.h>

#include <cstdint>

namespace aezoo {

/// The symmetric k-nearest-neighbour graph of x [N, D] as a dense matrix of edge lengths,
/// [N, N] float64: W_ij = ||x_i - x_j|| when j is among the k (>= 1, < N) nearest neighbours
/// of i or i among those of j, +inf where there is no edge, 0 on the diagonal.
torch::Tensor knn_graph(const torch::Tensor& x, int64_t k);

/// The edges (i < j) of a graph given as a dense weight matrix (as from knn_graph), int64
/// [E, 2].
torch::Tensor graph_edges(const torch::Tensor& weights);

/// All-pairs shortest-path lengths of a graph with non-negative edge lengths `weights`
/// [N, N] (+inf = no edge), by Floyd-Warshall on tensors: N relaxations
/// D = min(D, D[:, m] + D[m, :]). float64 [N, N]; +inf between disconnected points.
torch::Tensor shortest_paths(const torch::Tensor& weights);

/// The result of classical MDS.
struct MDSResult {
  /// The embedding [N, dims], float64: coordinates along the leading eigenvectors of the
  /// double-centred matrix B = -1/2 J D^2 J, scaled by the square roots of the eigenvalues.
  torch::Tensor embedding;
  /// The `dims` leading eigenvalues of B, descending (negative ones clamped to 0 in the
  /// embedding), float64.
  torch::Tensor eigenvalues;
};

/// Classical (Torgerson) MDS of a symmetric distance matrix `distances` [N, N] (finite) into
/// `dims` (>= 1, <= N) dimensions. For Euclidean distances of points in R^dims the result is
/// those points up to a rigid motion. Default: dims 2.
MDSResult classical_mds(const torch::Tensor& distances, int64_t dims = 2);

/// Isomap: the embedding, and the graph and geodesic distances it came from.
struct IsomapResult {
  /// [N, dims], float64.
  torch::Tensor embedding;
  /// The MDS eigenvalues, [dims].
  torch::Tensor eigenvalues;
  /// knn_graph(x, neighbors), [N, N].
  torch::Tensor graph;
  /// Geodesic distance estimates along the graph, [N, N].
  torch::Tensor geodesic;
};

/// Isomap (Tenenbaum et al. 2000): classical MDS of the shortest-path distances along the
/// symmetric k-nearest-neighbour graph of x [N, D]. Throws c10::Error when the graph is
/// disconnected (increase `neighbors`). Defaults: neighbors 10, dims 2.
IsomapResult isomap(const torch::Tensor& x, int64_t neighbors = 10, int64_t dims = 2);

/// Ranks 1..N of a vector [N], ties given their average rank, float64.
torch::Tensor ranks(const torch::Tensor& v);

/// Spearman's rank correlation of two vectors [N] (N >= 2): the Pearson correlation of their
/// ranks (average ranks for ties). 0 when either is constant.
double spearman(const torch::Tensor& a, const torch::Tensor& b);

/// How well one direction of an embedding [N, d] orders the points like `target` [N]: the
/// largest |spearman(E u, target)| over unit vectors u in the plane of the embedding's first
/// two columns, tried at `angles` (>= 1) evenly spaced directions in [0, pi) (d = 1: the
/// single column). Invariant to rotations and reflections of that plane, so it scores an
/// autoencoder's code, whose axes have no preferred orientation, like an Isomap embedding.
/// Default: angles 180.
double best_direction_spearman(const torch::Tensor& embedding,
                               const torch::Tensor& target,
                               int64_t angles = 180);

/// Trustworthiness (Venna & Kaski 2001) of `embedding` [N, d] with respect to `reference`
/// [N, D] for neighbourhoods of size k (>= 1, < N / 2):
/// T = 1 - 2 / (N k (2N - 3k - 1)) sum_i sum_{j in U_k(i)} (r(i, j) - k), with U_k(i) the
/// embedding's k nearest neighbours of i that are not among its k nearest in `reference`
/// and r(i, j) the rank of j by distance to i in `reference`. 1 when no false neighbours
/// appear. Default: k 10.
double trustworthiness(const torch::Tensor& reference,
                       const torch::Tensor& embedding,
                       int64_t k = 10);

/// Orthogonal Procrustes: the relative residual ||X - (Y R + t)||_F / ||X - mean(X)||_F after
/// the best rotation or reflection R and translation t (no scaling) mapping y onto x, both
/// [N, d]. 0 when y is x up to a rigid motion.
double procrustes_error(const torch::Tensor& x, const torch::Tensor& y);

}  // namespace aezoo
