#include "datasets/synthetic.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace aezoo {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Spiral: t in [pi, 4 pi], scaled by 1 / (4 pi).
constexpr double kSpiralT0 = kPi;
constexpr double kSpiralT1 = 4 * kPi;
constexpr double kSpiralScale = 1.0 / (4 * kPi);
// Swiss roll: t in [1.5 pi, 4.5 pi], scaled by 1 / (4.5 pi); h in [-1, 1].
constexpr double kRollT0 = 1.5 * kPi;
constexpr double kRollT1 = 4.5 * kPi;
constexpr double kRollScale = 1.0 / (4.5 * kPi);

const torch::TensorOptions kF64 = torch::TensorOptions().dtype(torch::kFloat64);

[[noreturn]] void invalid(const std::string& msg) {
  throw std::invalid_argument(msg);
}

// A generator for structure drawn from the seed (line direction, mixture means), independent
// of the stream that draws the points.
torch::Generator structure_generator(uint64_t seed) {
  return at::detail::createCPUGenerator(seed * 6364136223846793005ULL + 1442695040888963407ULL);
}

// Unit vector u of the line data set.
torch::Tensor line_direction(const DataOptions& o) {
  torch::Generator gen = structure_generator(o.seed);
  torch::Tensor u = torch::randn({o.dim}, gen, kF64);
  return u / u.norm();
}

void check_coords(const std::string& name, const torch::Tensor& coords, int64_t k) {
  TORCH_CHECK(coords.dim() == 2 && coords.size(1) == k,
              name,
              ": expected intrinsic coordinates [N, ",
              k,
              "], got ",
              coords.sizes());
  TORCH_CHECK(coords.is_floating_point(), name, ": coordinates must be floating point");
}

}  // namespace

std::vector<std::string> synthetic_dataset_names() {
  return {"gaussian_mixture", "circle", "spiral", "swiss_roll", "line", "sphere"};
}

bool is_synthetic_dataset(const std::string& name) {
  for (const auto& n : synthetic_dataset_names()) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

bool is_manifold_dataset(const std::string& name) {
  return is_synthetic_dataset(name) && name != "gaussian_mixture";
}

int64_t synthetic_ambient_dim(const DataOptions& o) {
  const std::string& n = o.dataset;
  if (n == "gaussian_mixture" || n == "line") {
    if (o.dim < 1) {
      invalid(fmt::format("data.dim must be >= 1 for {}, got {}", n, o.dim));
    }
    return o.dim;
  }
  if (n == "circle" || n == "spiral") {
    return 2;
  }
  if (n == "swiss_roll" || n == "sphere") {
    return 3;
  }
  invalid(
      fmt::format("'{}' is not a synthetic data set (synthetic: gaussian_mixture, circle, "
                  "spiral, swiss_roll, line, sphere)",
                  n));
}

int64_t manifold_intrinsic_dim(const std::string& n) {
  if (n == "circle" || n == "spiral" || n == "line") {
    return 1;
  }
  if (n == "swiss_roll" || n == "sphere") {
    return 2;
  }
  if (n == "gaussian_mixture") {
    return 0;
  }
  invalid(
      fmt::format("'{}' is not a synthetic data set (synthetic: gaussian_mixture, circle, "
                  "spiral, swiss_roll, line, sphere)",
                  n));
}

// ---- Gaussian mixture ------------------------------------------------------------------------

namespace {

// log w_k + log N(x; mu_k, sigma_k^2 I), [N, K], in x's dtype.
torch::Tensor component_log_joint(const GaussianMixture& g, const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == g.means.size(1),
              "GaussianMixture: expected x [N, ",
              g.means.size(1),
              "], got ",
              x.sizes());
  const auto opts = x.options();
  const torch::Tensor means = g.means.to(opts);
  const torch::Tensor var = g.stds.to(opts).pow(2);  // [K]
  const double d = static_cast<double>(x.size(1));
  const torch::Tensor sq = (x.unsqueeze(1) - means.unsqueeze(0)).pow(2).sum(-1);  // [N, K]
  return g.weights.to(opts).log() - 0.5 * d * (2 * kPi * var).log() - sq / (2 * var);
}

}  // namespace

torch::Tensor GaussianMixture::log_prob(const torch::Tensor& x) const {
  return torch::logsumexp(component_log_joint(*this, x), 1);
}

torch::Tensor GaussianMixture::score(const torch::Tensor& x) const {
  const auto opts = x.options();
  // Responsibilities divided by each component's variance: r_k(x) / sigma_k^2, [N, K].
  const torch::Tensor r = torch::softmax(component_log_joint(*this, x), 1) / stds.to(opts).pow(2);
  return torch::matmul(r, means.to(opts)) - x * r.sum(1, /*keepdim=*/true);
}

torch::Tensor GaussianMixture::sample(int64_t n,
                                      torch::Generator& gen,
                                      torch::Tensor* components) const {
  TORCH_CHECK(n >= 0, "GaussianMixture::sample: n must be >= 0, got ", n);
  const torch::Tensor k = n == 0 ? torch::zeros({0}, torch::kInt64)
                                 : torch::multinomial(weights, n, /*replacement=*/true, gen);
  const torch::Tensor noise = torch::randn({n, means.size(1)}, gen, kF64);
  const torch::Tensor x =
      means.to(kF64).index_select(0, k) + stds.to(kF64).index_select(0, k).unsqueeze(1) * noise;
  if (components != nullptr) {
    *components = k;
  }
  return x;
}

GaussianMixture gaussian_mixture(const DataOptions& o) {
  if (o.components < 1) {
    invalid(fmt::format("data.components must be >= 1, got {}", o.components));
  }
  if (o.dim < 1) {
    invalid(fmt::format("data.dim must be >= 1, got {}", o.dim));
  }
  if (!(o.mixture_std > 0) || !std::isfinite(o.mixture_std)) {
    invalid(fmt::format("data.mixture_std must be positive, got {}", o.mixture_std));
  }
  const int64_t k = o.components;
  GaussianMixture g;
  if (o.dim == 1) {
    g.means =
        k == 1 ? torch::zeros({1, 1}, kF64) : torch::linspace(-2.0, 2.0, k, kF64).view({k, 1});
  } else if (o.dim == 2) {
    const torch::Tensor angle = torch::arange(k, kF64) * (2 * kPi / static_cast<double>(k));
    g.means = 2.0 * torch::stack({angle.cos(), angle.sin()}, 1);
  } else {
    torch::Generator gen = structure_generator(o.seed);
    const torch::Tensor m = torch::randn({k, o.dim}, gen, kF64);
    g.means = 2.0 * m / m.norm(2, {1}, /*keepdim=*/true);
  }
  g.stds = torch::full({k}, o.mixture_std, kF64);
  g.weights = torch::full({k}, 1.0 / static_cast<double>(k), kF64);
  return g;
}

// ---- manifolds -------------------------------------------------------------------------------

torch::Tensor sample_manifold_coords(const DataOptions& o, int64_t n, torch::Generator& gen) {
  const std::string& name = o.dataset;
  TORCH_CHECK(n >= 0, "sample_manifold_coords: n must be >= 0, got ", n);
  auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * torch::rand({n, 1}, gen, kF64);
  };
  if (name == "circle") {
    return uniform(0, 2 * kPi);
  }
  if (name == "spiral") {
    return uniform(kSpiralT0, kSpiralT1);
  }
  if (name == "line") {
    return uniform(-1, 1);
  }
  if (name == "swiss_roll") {
    const torch::Tensor t = uniform(kRollT0, kRollT1);
    const torch::Tensor h = uniform(-1, 1);
    return torch::cat({t, h}, 1);
  }
  if (name == "sphere") {
    const torch::Tensor theta = torch::acos(uniform(-1, 1).clamp(-1, 1));
    const torch::Tensor phi = uniform(0, 2 * kPi);
    return torch::cat({theta, phi}, 1);
  }
  invalid(
      fmt::format("'{}' is not a manifold data set (manifolds: circle, spiral, swiss_roll, "
                  "line, sphere)",
                  name));
}

torch::Tensor manifold_embed(const DataOptions& o, const torch::Tensor& coords) {
  const std::string& name = o.dataset;
  check_coords(name, coords, manifold_intrinsic_dim(name));
  if (name == "circle") {
    const torch::Tensor t = coords.select(1, 0);
    return torch::stack({t.cos(), t.sin()}, 1);
  }
  if (name == "spiral") {
    const torch::Tensor t = coords.select(1, 0);
    return kSpiralScale * torch::stack({t * t.cos(), t * t.sin()}, 1);
  }
  if (name == "line") {
    return coords * line_direction(o).to(coords.options()).unsqueeze(0);
  }
  if (name == "swiss_roll") {
    const torch::Tensor t = coords.select(1, 0);
    const torch::Tensor h = coords.select(1, 1);
    return torch::stack({kRollScale * t * t.cos(), h, kRollScale * t * t.sin()}, 1);
  }
  if (name == "sphere") {
    const torch::Tensor th = coords.select(1, 0);
    const torch::Tensor ph = coords.select(1, 1);
    return torch::stack({th.sin() * ph.cos(), th.sin() * ph.sin(), th.cos()}, 1);
  }
  invalid(fmt::format("'{}' is not a manifold data set", name));
}

torch::Tensor manifold_tangents(const DataOptions& o, const torch::Tensor& coords) {
  const std::string& name = o.dataset;
  check_coords(name, coords, manifold_intrinsic_dim(name));
  auto unit = [](const torch::Tensor& v) {  // [N, D] rows normalised
    return v / v.norm(2, {1}, /*keepdim=*/true);
  };
  if (name == "circle") {
    const torch::Tensor t = coords.select(1, 0);
    return torch::stack({-t.sin(), t.cos()}, 1).unsqueeze(2);
  }
  if (name == "spiral") {
    // d/dt (t cos t, t sin t) = (cos t - t sin t, sin t + t cos t); never zero for t > 0.
    const torch::Tensor t = coords.select(1, 0);
    return unit(torch::stack({t.cos() - t * t.sin(), t.sin() + t * t.cos()}, 1)).unsqueeze(2);
  }
  if (name == "line") {
    const torch::Tensor u = line_direction(o).to(coords.options());
    return u.view({1, -1, 1}).expand({coords.size(0), u.size(0), 1}).contiguous();
  }
  if (name == "swiss_roll") {
    const torch::Tensor t = coords.select(1, 0);
    const torch::Tensor zero = torch::zeros_like(t);
    const torch::Tensor dt =
        unit(torch::stack({t.cos() - t * t.sin(), zero, t.sin() + t * t.cos()}, 1));
    const torch::Tensor dh = torch::stack({zero, torch::ones_like(t), zero}, 1);
    return torch::stack({dt, dh}, 2);
  }
  if (name == "sphere") {
    // e_theta = d x / d theta; e_phi = (d x / d phi) / sin(theta), defined at the poles too.
    const torch::Tensor th = coords.select(1, 0);
    const torch::Tensor ph = coords.select(1, 1);
    const torch::Tensor e_theta =
        torch::stack({th.cos() * ph.cos(), th.cos() * ph.sin(), -th.sin()}, 1);
    const torch::Tensor e_phi = torch::stack({-ph.sin(), ph.cos(), torch::zeros_like(ph)}, 1);
    return torch::stack({e_theta, e_phi}, 2);
  }
  invalid(fmt::format("'{}' is not a manifold data set", name));
}

SyntheticData generate_synthetic(const DataOptions& o, int64_t n) {
  const std::string& name = o.dataset;
  if (!is_synthetic_dataset(name)) {
    synthetic_ambient_dim(o);  // throws the "not a synthetic data set" message
  }
  if (n < 1) {
    invalid(fmt::format("data.num_points must be >= 1, got {}", n));
  }
  if (!(o.noise >= 0) || !std::isfinite(o.noise)) {
    invalid(fmt::format("data.noise must be >= 0, got {}", o.noise));
  }
  const int64_t d = synthetic_ambient_dim(o);
  torch::Generator gen = at::detail::createCPUGenerator(o.seed);
  SyntheticData out;
  if (name == "gaussian_mixture") {
    const GaussianMixture g = gaussian_mixture(o);
    out.x = g.sample(n, gen, &out.y).to(torch::kFloat32);
    out.description = fmt::format(
        "gaussian_mixture: {} points from {} isotropic Gaussians (std {}) in R^{}, seed {}",
        n,
        o.components,
        o.mixture_std,
        d,
        o.seed);
    return out;
  }
  const torch::Tensor coords = sample_manifold_coords(o, n, gen);
  const torch::Tensor clean = manifold_embed(o, coords);
  const torch::Tensor x = clean + o.noise * torch::randn({n, d}, gen, kF64);
  out.x = x.to(torch::kFloat32);
  out.coords = coords.to(torch::kFloat32);
  out.clean = clean.to(torch::kFloat32);
  out.tangents = manifold_tangents(o, coords).to(torch::kFloat32);
  out.description = fmt::format(
      "{}: {} points on a {}-dimensional manifold in R^{}, noise std {}, "
      "seed {}",
      name,
      n,
      manifold_intrinsic_dim(name),
      d,
      o.noise,
      o.seed);
  return out;
}

}  // namespace aezoo
