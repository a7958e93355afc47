#include "analysis/manifold.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace aezoo {

namespace {

/// Puts a model in evaluation mode for its lifetime and restores the training flag after.
class EvalGuard {
 public:
  explicit EvalGuard(AutoencoderBase& model) : model_(model), was_training_(model.is_training()) {
    model_.eval();
  }
  ~EvalGuard() {
    model_.train(was_training_);
  }
  EvalGuard(const EvalGuard&) = delete;
  EvalGuard& operator=(const EvalGuard&) = delete;

 private:
  AutoencoderBase& model_;
  bool was_training_;
};

void check_points(const torch::Tensor& x, const char* name) {
  TORCH_CHECK(x.defined() && x.dim() == 2,
              name,
              " must be a 2-D tensor [N, D] of points, got ",
              x.defined() ? x.sizes() : c10::IntArrayRef{});
  TORCH_CHECK(x.is_floating_point(), name, " must be floating point, got ", x.scalar_type());
}

}  // namespace

torch::Tensor grid_around(const torch::Tensor& points, int64_t steps, double margin) {
  check_points(points, "points");
  TORCH_CHECK(points.size(0) >= 1, "grid_around needs at least one point");
  const int64_t d = points.size(1);
  TORCH_CHECK(d == 1 || d == 2, "grid_around supports 1-D and 2-D data, got D = ", d);
  TORCH_CHECK(steps >= 2, "steps must be at least 2, got ", steps);
  TORCH_CHECK(margin >= 0, "margin must be non-negative, got ", margin);
  const auto p = points.detach().to(torch::kCPU, torch::kFloat64);
  const auto lo = std::get<0>(p.min(0)) - margin;
  const auto hi = std::get<0>(p.max(0)) + margin;
  std::vector<torch::Tensor> axes;
  for (int64_t j = 0; j < d; ++j) {
    axes.push_back(
        torch::linspace(lo[j].item<double>(), hi[j].item<double>(), steps, torch::kFloat64));
  }
  if (d == 1)
    return axes[0].unsqueeze(1).to(torch::kFloat32);
  // meshgrid(y, x) with "ij" indexing: row i holds y_i, so x varies fastest when flattened.
  const auto g = torch::meshgrid({axes[1], axes[0]}, "ij");
  return torch::stack({g[1].flatten(), g[0].flatten()}, 1).to(torch::kFloat32);
}

torch::Tensor reconstruct(AutoencoderBase& model, const torch::Tensor& x) {
  TORCH_CHECK(x.defined() && x.dim() >= 2, "x must be a batch [N, *input_shape]");
  EvalGuard guard(model);
  torch::NoGradGuard no_grad;
  const auto r = model.forward(x.to(model_device(model), torch::kFloat32));
  return r.to(x.device(), torch::kFloat32);
}

torch::Tensor reconstruction_field(AutoencoderBase& model, const torch::Tensor& x) {
  return reconstruct(model, x) - x.to(torch::kFloat32);
}

torch::Tensor encoder_jacobian(AutoencoderBase& model, const torch::Tensor& x) {
  TORCH_CHECK(x.defined() && x.dim() >= 2, "x must be a batch [N, *input_shape]");
  EvalGuard guard(model);
  torch::AutoGradMode enable(true);
  const int64_t n = x.size(0);
  const int64_t d = x.numel() / std::max<int64_t>(n, 1);
  const auto xin = x.detach().to(model_device(model), torch::kFloat32).requires_grad_(true);
  const auto h = model.encode(xin);
  TORCH_CHECK(h.dim() == 2 && h.size(0) == n,
              "the encoder must return codes [N, code_dim], got ",
              h.sizes());
  std::vector<torch::Tensor> rows;
  rows.reserve(h.size(1));
  const auto ones = torch::ones({n}, h.options());
  for (int64_t j = 0; j < h.size(1); ++j) {
    // Row j of every example's Jacobian: e_j^T J = d(sum_i h_ij)/dx, since h_i depends on x_i
    // only.
    auto g = torch::autograd::grad({h.select(1, j)},
                                   {xin},
                                   {ones},
                                   /*retain_graph=*/true,
                                   /*create_graph=*/false,
                                   /*allow_unused=*/true)[0];
    rows.push_back(g.defined() ? g.reshape({n, d}) : torch::zeros({n, d}, xin.options()));
  }
  return torch::stack(rows, 1).detach().to(x.device());
}

SingularSpectrum singular_spectrum(const torch::Tensor& jacobians) {
  TORCH_CHECK(jacobians.defined() && jacobians.dim() == 3,
              "expected a batch of matrices [N, rows, cols], got ",
              jacobians.defined() ? jacobians.sizes() : c10::IntArrayRef{});
  const auto [u, s, vh] = torch::linalg_svd(jacobians.to(torch::kFloat64), /*full_matrices=*/false);
  (void)u;
  return {s.to(jacobians.scalar_type()), vh.transpose(1, 2).to(jacobians.scalar_type())};
}

namespace {
/// Throws unless 1 <= dim <= min(code_dim, D) for an encoder Jacobian [N, code_dim, D].
void check_tangent_dim(const torch::Tensor& encoder_jac, int64_t dim) {
  TORCH_CHECK(encoder_jac.defined() && encoder_jac.dim() == 3,
              "expected encoder Jacobians [N, code_dim, D]");
  const int64_t most = std::min(encoder_jac.size(1), encoder_jac.size(2));
  TORCH_CHECK(dim >= 1 && dim <= most,
              "tangent dimension must be in [1, min(code_dim, D)] = [1, ",
              most,
              "], got ",
              dim);
}
}  // namespace

torch::Tensor jacobian_tangents(AutoencoderBase& model, const torch::Tensor& x, int64_t dim) {
  return jacobian_tangents(encoder_jacobian(model, x), dim);
}

torch::Tensor jacobian_tangents(const torch::Tensor& encoder_jac, int64_t dim) {
  check_tangent_dim(encoder_jac, dim);
  return singular_spectrum(encoder_jac).directions.narrow(2, 0, dim).contiguous();
}

torch::Tensor decoder_jacobian(AutoencoderBase& model, const torch::Tensor& h) {
  TORCH_CHECK(h.defined() && h.dim() == 2, "h must be a batch of codes [N, code_dim]");
  EvalGuard guard(model);
  torch::AutoGradMode enable(true);
  const int64_t n = h.size(0), c = h.size(1);
  const auto hin = h.detach().to(model_device(model), torch::kFloat32).requires_grad_(true);
  const auto y = model.decode(hin).reshape({n, -1});
  const int64_t d = y.size(1);
  // u = J_g^T v is linear in v, so d(e_j^T u)/dv = J_g e_j: column j of every example's
  // Jacobian by one backward pass through the backward graph.
  const auto v = torch::zeros_like(y).requires_grad_(true);
  const auto u = torch::autograd::grad({y},
                                       {hin},
                                       {v},
                                       /*retain_graph=*/true,
                                       /*create_graph=*/true,
                                       /*allow_unused=*/true)[0];
  std::vector<torch::Tensor> cols;
  cols.reserve(c);
  const auto ones = torch::ones({n}, y.options());
  for (int64_t j = 0; j < c; ++j) {
    torch::Tensor g;
    if (u.defined() && u.requires_grad()) {
      g = torch::autograd::grad({u.select(1, j)},
                                {v},
                                {ones},
                                /*retain_graph=*/true,
                                /*create_graph=*/false,
                                /*allow_unused=*/true)[0];
    }
    cols.push_back(g.defined() ? g : torch::zeros({n, d}, y.options()));
  }
  return torch::stack(cols, 2).detach().to(h.device());
}

torch::Tensor reconstruction_tangents(AutoencoderBase& model, const torch::Tensor& x, int64_t dim) {
  return reconstruction_tangents(model, x, encoder_jacobian(model, x), dim);
}

torch::Tensor reconstruction_tangents(AutoencoderBase& model,
                                      const torch::Tensor& x,
                                      const torch::Tensor& encoder_jac,
                                      int64_t dim) {
  check_tangent_dim(encoder_jac, dim);
  const auto jf = encoder_jac.to(torch::kFloat64);  // [N, c, D]
  torch::Tensor h;
  {
    EvalGuard guard(model);
    torch::NoGradGuard no_grad;
    h = model.encode(x.detach().to(model_device(model), torch::kFloat32));
  }
  const auto jg = decoder_jacobian(model, h).to(jf.device(), torch::kFloat64);  // [N, D, c]
  TORCH_CHECK(jg.size(1) == jf.size(2),
              "the decoder's output has ",
              jg.size(1),
              " values per example but the input has ",
              jf.size(2));
  const auto [uf, sf, vfh] = torch::linalg_svd(jf, /*full_matrices=*/false);
  (void)vfh;
  const auto b = jg.matmul(uf * sf.unsqueeze(1));  // J_g U S, [N, D, r]
  const auto [ub, sb, vbh] = torch::linalg_svd(b, /*full_matrices=*/false);
  (void)sb;
  (void)vbh;
  return ub.narrow(2, 0, dim).contiguous().to(x.device(), x.scalar_type());
}

torch::Tensor nearest_neighbors(const torch::Tensor& queries,
                                const torch::Tensor& reference,
                                int64_t k,
                                bool exclude_self) {
  check_points(queries, "queries");
  check_points(reference, "reference");
  TORCH_CHECK(queries.size(1) == reference.size(1),
              "queries have D = ",
              queries.size(1),
              " but reference points have D = ",
              reference.size(1));
  TORCH_CHECK(k >= 1, "number of neighbours must be positive, got ", k);
  const int64_t candidates = reference.size(0) - (exclude_self ? 1 : 0);
  TORCH_CHECK(k <= candidates,
              "asked for ",
              k,
              " neighbours but only ",
              candidates,
              " candidate points exist");
  // Exact differences (compute_mode 2), not the ||a||^2 + ||b||^2 - 2ab shortcut.
  auto dist = torch::cdist(queries.detach().to(torch::kFloat64),
                           reference.detach().to(queries.device(), torch::kFloat64),
                           2.0,
                           /*compute_mode=*/2);
  if (exclude_self) {
    TORCH_CHECK(queries.size(0) == reference.size(0),
                "exclude_self needs the queries to be the reference points");
    dist.fill_diagonal_(std::numeric_limits<double>::infinity());
  }
  return std::get<1>(dist.topk(k, 1, /*largest=*/false, /*sorted=*/true));
}

namespace {
/// PCA of each group of a batch of point clouds [M, n, D] about its mean.
LocalPCA batch_pca(const torch::Tensor& clouds, int64_t dim) {
  const auto mean = clouds.mean(1, /*keepdim=*/true);
  const auto [u, s, vh] = torch::linalg_svd(clouds - mean, /*full_matrices=*/false);
  (void)u;
  LocalPCA out;
  out.directions = vh.narrow(1, 0, dim).transpose(1, 2).contiguous();
  out.variances = s.narrow(1, 0, dim).square() / static_cast<double>(clouds.size(1));
  out.centers = mean.squeeze(1);
  return out;
}
}  // namespace

LocalPCA local_pca(const torch::Tensor& queries,
                   const torch::Tensor& reference,
                   int64_t neighbors,
                   int64_t dim,
                   bool exclude_self) {
  TORCH_CHECK(neighbors >= 2, "local PCA needs at least 2 neighbours, got ", neighbors);
  const auto idx = nearest_neighbors(queries, reference, neighbors, exclude_self);
  const int64_t m = queries.size(0), d = queries.size(1);
  TORCH_CHECK(dim >= 1 && dim <= std::min(d, neighbors),
              "local PCA dimension must be in [1, ",
              std::min(d, neighbors),
              "] (at most D and the number of neighbours), got ",
              dim);
  const auto ref = reference.detach().to(idx.device(), torch::kFloat64);
  const auto clouds = ref.index_select(0, idx.flatten()).view({m, neighbors, d});
  LocalPCA out = batch_pca(clouds, dim);
  const auto dtype = queries.scalar_type();
  return {out.directions.to(dtype), out.variances.to(dtype), out.centers.to(dtype)};
}

LocalPCA point_cloud_pca(const torch::Tensor& points, int64_t dim) {
  check_points(points, "points");
  TORCH_CHECK(points.size(0) >= 1, "PCA needs at least one point");
  TORCH_CHECK(dim >= 1 && dim <= points.size(1),
              "PCA dimension must be in [1, D = ",
              points.size(1),
              "], got ",
              dim);
  auto p = points.detach().to(torch::kFloat64);
  if (p.size(0) < dim) {
    // Fewer points than directions: pad with copies of the mean, which add no variance but
    // let the SVD return `dim` (arbitrary, orthonormal) directions.
    p = torch::cat({p, p.mean(0, true).expand({dim - p.size(0), p.size(1)})}, 0);
  }
  LocalPCA out = batch_pca(p.unsqueeze(0), dim);
  // Variances are per point of the original cloud.
  out.variances = out.variances * static_cast<double>(p.size(0)) / points.size(0);
  const auto dtype = points.scalar_type();
  return {out.directions.to(dtype), out.variances.to(dtype), out.centers.to(dtype)};
}

torch::Tensor orthonormalize(const torch::Tensor& a) {
  TORCH_CHECK(a.defined() && a.dim() >= 2, "expected matrices [..., D, k]");
  TORCH_CHECK(a.size(-1) <= a.size(-2),
              "a basis of k = ",
              a.size(-1),
              " vectors cannot be orthonormal in D = ",
              a.size(-2),
              " dimensions");
  return std::get<0>(torch::linalg_qr(a, "reduced"));
}

torch::Tensor principal_angles(const torch::Tensor& a, const torch::Tensor& b) {
  TORCH_CHECK(a.defined() && b.defined() && a.dim() >= 2 && b.dim() == a.dim(),
              "expected two batches of matrices [..., D, p] and [..., D, q] of equal rank");
  TORCH_CHECK(a.size(-2) == b.size(-2),
              "the subspaces live in different dimensions: D = ",
              a.size(-2),
              " and ",
              b.size(-2));
  auto qa = orthonormalize(a.to(torch::kFloat64));
  auto qb = orthonormalize(b.to(torch::kFloat64));
  // With p >= q the residual Q_b - Q_a Q_a^T Q_b has exactly q singular values, the sines.
  if (qa.size(-1) < qb.size(-1))
    std::swap(qa, qb);
  const auto m = qa.transpose(-2, -1).matmul(qb);
  const auto cosines = torch::linalg_svdvals(m).clamp(0.0, 1.0);  // descending
  const auto sines = torch::linalg_svdvals(qb - qa.matmul(m)).clamp(0.0, 1.0).flip(-1);
  return torch::where(cosines.square() > 0.5, torch::asin(sines), torch::acos(cosines));
}

torch::Tensor tangent_error_degrees(const torch::Tensor& estimate, const torch::Tensor& truth) {
  return std::get<0>(principal_angles(estimate, truth).max(-1)) * (180.0 / M_PI);
}

torch::Tensor nearest_other_points(const torch::Tensor& pool,
                                   const torch::Tensor& members,
                                   int64_t k) {
  check_points(pool, "pool");
  TORCH_CHECK(members.defined() && members.dim() == 1, "members must be indices [M]");
  const int64_t n = pool.size(0);
  TORCH_CHECK(k >= 1 && k <= n - 1,
              "asked for ",
              k,
              " neighbours but the pool has only ",
              n - 1,
              " other points");
  const auto idx = members.to(pool.device(), torch::kLong);
  if (idx.numel() > 0) {
    TORCH_CHECK(idx.min().item<int64_t>() >= 0 && idx.max().item<int64_t>() < n,
                "member indices must lie in [0, ",
                n,
                ")");
  }
  const auto p = pool.detach().to(torch::kFloat64);
  auto dist = torch::cdist(p.index_select(0, idx), p, 2.0, /*compute_mode=*/2);
  dist.index_put_({torch::arange(idx.size(0), idx.options()), idx},
                  std::numeric_limits<double>::infinity());
  return std::get<1>(dist.topk(k, 1, /*largest=*/false, /*sorted=*/true));
}

torch::Tensor tangent_fit(const torch::Tensor& tangents, const torch::Tensor& displacements) {
  TORCH_CHECK(tangents.defined() && tangents.dim() == 3, "tangents must be [M, D, d]");
  TORCH_CHECK(displacements.defined() && displacements.dim() == 3 &&
                  displacements.size(0) == tangents.size(0) &&
                  displacements.size(2) == tangents.size(1),
              "displacements must be [M, q, D] with M = ",
              tangents.size(0),
              " and D = ",
              tangents.size(1));
  const auto q = orthonormalize(tangents.to(torch::kFloat64));
  const auto delta = displacements.to(q.device(), torch::kFloat64);
  const auto along = delta.matmul(q).square().sum(-1);  // ||Q^T delta||^2, [M, q]
  const auto total = delta.square().sum(-1);
  const auto used = total > 0;
  const auto ratio = torch::where(used, along / total.clamp_min(1e-300), torch::zeros_like(total));
  const auto count = used.sum(1).to(torch::kFloat64);
  return torch::where(count > 0,
                      ratio.sum(1) / count.clamp_min(1),
                      torch::full_like(count, std::numeric_limits<double>::quiet_NaN()));
}

}  // namespace aezoo
