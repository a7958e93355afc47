#include "models/score.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace aezoo {

namespace {

// Seed of the projections / noise drawn in evaluation mode, so that the evaluation loss is a
// deterministic function of the weights (comparable across epochs).
constexpr uint64_t kEvalSeed = 0;

template <typename E>
E enum_from_string(const std::string& s,
                   const std::vector<std::pair<std::string, E>>& table,
                   const char* what) {
  std::string known;
  for (const auto& [name, e] : table) {
    if (name == s)
      return e;
    known += (known.empty() ? "" : ", ") + name;
  }
  throw std::invalid_argument("unknown " + std::string(what) + " '" + s + "' (known: " + known +
                              ")");
}

template <typename E>
std::string enum_to_string(E e, const std::vector<std::pair<std::string, E>>& table) {
  for (const auto& [name, f] : table) {
    if (e == f)
      return name;
  }
  return "?";
}

const std::vector<std::pair<std::string, ScoreLoss>>& loss_table() {
  static const std::vector<std::pair<std::string, ScoreLoss>> t = {
      {"exact", ScoreLoss::exact}, {"sliced", ScoreLoss::sliced}, {"dsm", ScoreLoss::dsm}};
  return t;
}

const std::vector<std::pair<std::string, ScoreParameterization>>& parameterization_table() {
  static const std::vector<std::pair<std::string, ScoreParameterization>> t = {
      {"direct", ScoreParameterization::direct}, {"energy", ScoreParameterization::energy}};
  return t;
}

const std::vector<std::pair<std::string, ProjectionDist>>& projection_table() {
  static const std::vector<std::pair<std::string, ProjectionDist>> t = {
      {"gaussian", ProjectionDist::gaussian}, {"rademacher", ProjectionDist::rademacher}};
  return t;
}

torch::Tensor standard_normal(torch::IntArrayRef sizes,
                              const torch::TensorOptions& opts,
                              const c10::optional<at::Generator>& gen) {
  if (!gen)
    return torch::randn(sizes, opts);
  return at::randn(sizes, gen, opts.device(torch::kCPU)).to(opts.device());
}

torch::Tensor rademacher(torch::IntArrayRef sizes,
                         const torch::TensorOptions& opts,
                         const c10::optional<at::Generator>& gen) {
  torch::Tensor bits =
      gen ? at::randint(0, 2, sizes, gen, opts.device(torch::kCPU)).to(opts.device())
          : torch::randint(0, 2, sizes, opts);
  return bits * 2 - 1;
}

void check_points(const torch::Tensor& x) {
  TORCH_CHECK(
      x.dim() == 2, "score matching expects flattened points [N, D], got shape ", x.sizes());
  TORCH_CHECK(x.is_floating_point(), "score matching expects floating-point points");
}

torch::Tensor checked_score(const ScoreFn& score, const torch::Tensor& x) {
  auto s = score(x);
  TORCH_CHECK(
      s.sizes() == x.sizes(), "the score of points of shape ", x.sizes(), " has shape ", s.sizes());
  return s;
}

// One loss evaluation: per-example loss, the divergence term (exact/sliced), the score at the
// points where it was evaluated, and those points.
struct LossParts {
  torch::Tensor loss, divergence, s, points, full;
};

LossParts exact_parts(const ScoreFn& score, const torch::Tensor& x) {
  check_points(x);
  torch::AutoGradMode grad_mode(true);
  auto xl = x.detach().requires_grad_(true);
  auto s = checked_score(score, xl);
  TORCH_CHECK(s.requires_grad(), "the score must be differentiable with respect to x");
  torch::Tensor div = torch::zeros({x.size(0)}, x.options());
  // One backward pass per input dimension: row i of ds/dx is d(sum_n s_i(x_n)) / dx, and
  // examples do not interact, so its column i holds ds_i/dx_i of every example.
  for (int64_t i = 0; i < x.size(1); ++i) {
    auto g = torch::autograd::grad({s.select(1, i).sum()},
                                   {xl},
                                   {},
                                   /*retain_graph=*/true,
                                   /*create_graph=*/true,
                                   /*allow_unused=*/true)[0];
    if (g.defined())
      div = div + g.select(1, i);
  }
  // Hyvarinen 2005, eq. 4: J(theta) = E[sum_i (d s_i / d x_i + 0.5 s_i^2)].
  return {div + 0.5 * s.square().sum(1), div, s, xl, {}};
}

LossParts sliced_parts(const ScoreFn& score,
                       const torch::Tensor& x,
                       const SlicedScoreMatchingOptions& o,
                       const c10::optional<at::Generator>& gen) {
  check_points(x);
  TORCH_CHECK(o.projections() > 0, "projections must be positive, got ", o.projections());
  torch::AutoGradMode grad_mode(true);
  const int64_t n = x.size(0), m = o.projections();
  // All M projections in one batch: x repeated M times, one v per row.
  auto xr = x.detach().repeat({m, 1}).requires_grad_(true);
  auto s = checked_score(score, xr);
  TORCH_CHECK(s.requires_grad(), "the score must be differentiable with respect to x");
  auto v = o.projection_dist() == ProjectionDist::gaussian
               ? standard_normal(xr.sizes(), xr.options(), gen)
               : rademacher(xr.sizes(), xr.options(), gen);
  auto vs = (v * s).sum(1);
  // d(v . s)/dx = (ds/dx)^T v, so (ds/dx)^T v . v = v^T (ds/dx) v.
  auto jv = torch::autograd::grad({vs.sum()},
                                  {xr},
                                  {},
                                  /*retain_graph=*/true,
                                  /*create_graph=*/true,
                                  /*allow_unused=*/true)[0];
  auto vjv = jv.defined() ? (jv * v).sum(1) : torch::zeros_like(vs);
  // Song et al. 2019, eq. 7: v^T (ds/dx) v + 0.5 (v^T s)^2; eq. 8 (SSM-VR): the second term
  // replaced by its expectation over v, 0.5 ||s||^2.
  auto second = o.variance_reduced() ? 0.5 * s.square().sum(1) : 0.5 * vs.square();
  auto loss = (vjv + second).view({m, n}).mean(0);
  return {loss, vjv.view({m, n}).mean(0), s.narrow(0, 0, n), xr.narrow(0, 0, n), {}};
}

LossParts dsm_parts(const ScoreFn& score,
                    const torch::Tensor& x,
                    double sigma,
                    const c10::optional<at::Generator>& gen) {
  check_points(x);
  TORCH_CHECK(sigma > 0 && std::isfinite(sigma), "sigma must be positive, got ", sigma);
  auto eps = standard_normal(x.sizes(), x.options(), gen);
  auto xt = x.detach() + sigma * eps;
  auto s = checked_score(score, xt);
  // Vincent 2011, eq. 4.5: 0.5 ||s(x~) - (x - x~) / sigma^2||^2 = 0.5 ||s + eps / sigma||^2
  //   = 0.5 ||s||^2 + s . eps / sigma + 0.5 ||eps||^2 / sigma^2;
  // the last part does not depend on the parameters and is left out of the loss.
  auto loss = 0.5 * s.square().sum(1) + (s * eps).sum(1) / sigma;
  auto full = 0.5 * (s + eps / sigma).square().sum(1);
  return {loss, {}, s, xt, full};
}

// Regularity of an activation: it is C^k with k = this (large for the smooth ones).
int activation_smoothness(Activation a) {
  switch (a) {
    case Activation::relu:
    case Activation::leaky_relu:
      return 0;
    case Activation::elu:
      return 1;
    default:
      return std::numeric_limits<int>::max();
  }
}

// TorchScript expression of s'(v) (the derivatives of models/blocks.cpp's activations).
std::string script_activation_derivative(Activation a, const std::string& v) {
  switch (a) {
    case Activation::identity:
      return "torch.ones_like(" + v + ")";
    case Activation::relu:
      return "torch.where(" + v + " > 0.0, torch.ones_like(" + v + "), torch.zeros_like(" + v +
             "))";
    case Activation::sigmoid:
      return "torch.sigmoid(" + v + ") * (1.0 - torch.sigmoid(" + v + "))";
    case Activation::tanh:
      return "1.0 - torch.tanh(" + v + ") * torch.tanh(" + v + ")";
    case Activation::softplus:
      // d/dv softplus(v) = sigmoid(v); LibTorch's softplus is linear above 20 (derivative 1).
      return "torch.where(" + v + " > 20.0, torch.ones_like(" + v + "), torch.sigmoid(" + v + "))";
    case Activation::elu:
      return "torch.where(" + v + " > 0.0, torch.ones_like(" + v + "), torch.exp(" + v + "))";
    case Activation::leaky_relu:
      return "torch.where(" + v + " > 0.0, torch.ones_like(" + v + "), torch.full_like(" + v +
             ", 0.01))";
  }
  TORCH_CHECK(false, "unreachable");
}

std::string int_list(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

ScoreLoss score_loss_from_string(const std::string& s) {
  return enum_from_string(s, loss_table(), "score matching loss");
}
std::string to_string(ScoreLoss l) {
  return enum_to_string(l, loss_table());
}
ScoreParameterization score_parameterization_from_string(const std::string& s) {
  return enum_from_string(s, parameterization_table(), "score parameterization");
}
std::string to_string(ScoreParameterization p) {
  return enum_to_string(p, parameterization_table());
}
ProjectionDist projection_dist_from_string(const std::string& s) {
  return enum_from_string(s, projection_table(), "projection distribution");
}
std::string to_string(ProjectionDist d) {
  return enum_to_string(d, projection_table());
}

torch::Tensor score_divergence(const ScoreFn& score, const torch::Tensor& x) {
  return exact_parts(score, x).divergence;
}

torch::Tensor exact_score_matching(const ScoreFn& score, const torch::Tensor& x) {
  return exact_parts(score, x).loss;
}

torch::Tensor sliced_score_matching(const ScoreFn& score,
                                    const torch::Tensor& x,
                                    const SlicedScoreMatchingOptions& options,
                                    c10::optional<at::Generator> gen) {
  return sliced_parts(score, x, options, gen).loss;
}

torch::Tensor denoising_score_matching(const ScoreFn& score,
                                       const torch::Tensor& x,
                                       double sigma,
                                       c10::optional<at::Generator> gen,
                                       torch::Tensor* full) {
  auto p = dsm_parts(score, x, sigma, gen);
  if (full)
    *full = p.full;
  return p.loss;
}

// ---------------------------------------------------------------------------------------------
// ScoreModel

void check_score_model_options(const ScoreModelOptions& o) {
  TORCH_CHECK(!o.input_shape().empty(), "input_shape must not be empty");
  for (auto d : o.input_shape())
    TORCH_CHECK(d > 0, "input_shape entries must be positive, got ", int_list(o.input_shape()));
  TORCH_CHECK(o.projections() > 0, "projections must be positive, got ", o.projections());
  TORCH_CHECK(o.sigma() > 0 && std::isfinite(o.sigma()), "sigma must be positive, got ", o.sigma());
  if (o.denoise_sigma()) {
    TORCH_CHECK(*o.denoise_sigma() > 0 && std::isfinite(*o.denoise_sigma()),
                "denoise_sigma must be positive, got ",
                *o.denoise_sigma());
  }
  // The loss differentiates the network with respect to x once for exact/sliced (ds/dx) and
  // once more for the energy parameterisation (s = -dE/dx). Where the activation's derivative
  // of that order jumps, the true derivative has a singular part that autograd drops: the loss
  // (energy: s is discontinuous) or its gradient (the kinks move with the parameters) is wrong.
  const int need = (o.loss() == ScoreLoss::dsm ? 0 : 1) +
                   (o.parameterization() == ScoreParameterization::energy ? 1 : 0);
  const int have = activation_smoothness(o.activation());
  TORCH_CHECK(have >= need,
              "activation ",
              to_string(o.activation()),
              " is only C^",
              have,
              ", but loss ",
              to_string(o.loss()),
              " with the ",
              to_string(o.parameterization()),
              " parameterization differentiates the network ",
              need,
              " time(s) with respect to x and needs a C^",
              need,
              " activation (softplus, tanh or sigmoid)");
}

ScoreModelImpl::ScoreModelImpl(ScoreModelOptions options_)
    : AutoencoderBase("ScoreModel"),
      options(std::move(options_)),
      likelihood_(LikelihoodOptions().kind(LikelihoodKind::gaussian).scale(1.0)) {
  check_score_model_options(options);
  likelihood_ =
      Likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian).scale(denoise_sigma()));
  dim_ = 1;
  for (auto d : options.input_shape())
    dim_ *= d;
  const int64_t out = options.parameterization() == ScoreParameterization::direct ? dim_ : 1;
  net = register_module(
      "net", MLP(MLPOptions(dim_, options.hidden(), out).activation(options.activation())));
  if (options.parameterization() == ScoreParameterization::energy) {
    // E is defined up to an additive constant that the score does not see: the output bias is
    // fixed at 0 and not trained.
    torch::NoGradGuard no_grad;
    auto b = net->bias(net->num_layers() - 1);
    b.zero_();
    b.set_requires_grad(false);
  }
}

double ScoreModelImpl::denoise_sigma() const {
  return options.denoise_sigma().value_or(options.sigma());
}

torch::Tensor ScoreModelImpl::encode(const torch::Tensor& x) {
  const auto& shape = options.input_shape();
  bool ok = x.dim() == static_cast<int64_t>(shape.size()) + 1;
  for (size_t i = 0; ok && i < shape.size(); ++i)
    ok = x.size(static_cast<int64_t>(i) + 1) == shape[i];
  TORCH_CHECK(
      ok, "score_model expects inputs [N, ", int_list(shape).substr(1), ", got shape ", x.sizes());
  return x.reshape({x.size(0), dim_});
}

torch::Tensor ScoreModelImpl::decode_raw(const torch::Tensor& h) {
  TORCH_CHECK(h.dim() == 2 && h.size(1) == dim_,
              "score_model decodes codes [N, ",
              dim_,
              "] (the points themselves), got shape ",
              h.sizes());
  std::vector<int64_t> shape = {h.size(0)};
  shape.insert(shape.end(), options.input_shape().begin(), options.input_shape().end());
  return h.reshape(shape);
}

torch::Tensor ScoreModelImpl::score_flat(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == dim_,
              "score_flat expects [N, ",
              dim_,
              "], got shape ",
              x.sizes());
  if (options.parameterization() == ScoreParameterization::direct)
    return net->forward(x);
  // s = -dE/dx. With grad mode on (training, the losses) the result stays differentiable
  // (create_graph); otherwise it is a plain tensor.
  const bool differentiable = torch::GradMode::is_enabled();
  torch::AutoGradMode grad_mode(true);
  auto xin = x.requires_grad() ? x : x.detach().requires_grad_(true);
  auto e = net->forward(xin);
  auto g = torch::autograd::grad({e.sum()},
                                 {xin},
                                 {},
                                 /*retain_graph=*/differentiable,
                                 /*create_graph=*/differentiable)[0];
  return -g;
}

torch::Tensor ScoreModelImpl::score(const torch::Tensor& x) {
  return score_flat(encode(x)).reshape(x.sizes());
}

torch::Tensor ScoreModelImpl::energy(const torch::Tensor& x) {
  TORCH_CHECK(options.parameterization() == ScoreParameterization::energy,
              "energy() needs parameterization energy");
  return net->forward(encode(x)).squeeze(1);
}

torch::Tensor ScoreModelImpl::forward(const torch::Tensor& x) {
  const double s2 = denoise_sigma() * denoise_sigma();
  return x + s2 * score(x);
}

bool ScoreModelImpl::needs_grad_in_eval() const {
  return options.loss() != ScoreLoss::dsm ||
         options.parameterization() == ScoreParameterization::energy;
}

ModelOutput ScoreModelImpl::compute(const torch::Tensor& x) {
  const auto flat = encode(x);
  c10::optional<at::Generator> gen;
  if (!is_training())
    gen = at::detail::createCPUGenerator(kEvalSeed);
  const ScoreFn fn = [this](const torch::Tensor& t) { return score_flat(t); };
  LossParts p;
  switch (options.loss()) {
    case ScoreLoss::exact:
      p = exact_parts(fn, flat);
      break;
    case ScoreLoss::sliced:
      p = sliced_parts(fn,
                       flat,
                       SlicedScoreMatchingOptions()
                           .projections(options.projections())
                           .projection_dist(options.projection_dist())
                           .variance_reduced(options.variance_reduced()),
                       gen);
      break;
    case ScoreLoss::dsm:
      p = dsm_parts(fn, flat, options.sigma(), gen);
      break;
  }
  ModelOutput out;
  out.code = flat;
  const double s2 = denoise_sigma() * denoise_sigma();
  out.decoder_output = decode_raw((p.points + s2 * p.s).detach());
  out.terms.emplace_back("score_matching", p.loss.mean());
  out.metrics.emplace_back("score_norm2", p.s.detach().square().sum(1).mean());
  if (p.divergence.defined())
    out.metrics.emplace_back("divergence", p.divergence.detach().mean());
  if (p.full.defined())
    out.metrics.emplace_back("dsm_vincent", p.full.detach().mean());
  return out;
}

void ScoreModelImpl::export_to(ScriptBuilder& b) {
  const std::string d = std::to_string(dim_);
  b.method("def encode(self, x: Tensor) -> Tensor:\n    return x.reshape([x.size(0), " + d +
           "])\n");
  std::string shape_tail;
  for (auto s : options.input_shape())
    shape_tail += ", " + std::to_string(s);
  b.method("def decode(self, h: Tensor) -> Tensor:\n    return h.reshape([h.size(0)" + shape_tail +
           "])\n");

  if (options.parameterization() == ScoreParameterization::direct) {
    b.method("def score(self, x: Tensor) -> Tensor:\n" + net->script(b, "net_", "x", "s") +
             "    return s.reshape(x.size())\n");
  } else {
    // E(x) = w_L . h_{L-1} + b_L with h_l = act(a_l), a_l = W_l h_{l-1} + b_l; its gradient is
    // the backward pass written out: g = w_L, then g = (g * act'(a_l)) W_l for l = L-1 .. 1.
    const int64_t L = net->num_layers();
    std::vector<std::string> w, bias;
    for (int64_t i = 0; i < L; ++i) {
      w.push_back(b.tensor("net_weight" + std::to_string(i), net->weight(i)));
      bias.push_back(b.tensor("net_bias" + std::to_string(i), net->bias(i)));
    }
    const auto act = options.activation();
    std::string fwd = "    h = x.reshape([x.size(0), " + d + "])\n";
    for (int64_t i = 0; i + 1 < L; ++i) {
      const std::string a = "a" + std::to_string(i);
      fwd += "    " + a + " = torch.addmm(" + bias[i] + ", h, " + w[i] + ".t())\n";
      fwd += "    h = " + script_activation(act, a) + "\n";
    }
    b.method("def energy(self, x: Tensor) -> Tensor:\n" + fwd + "    e = torch.addmm(" +
             bias[L - 1] + ", h, " + w[L - 1] + ".t())\n    return e.reshape([x.size(0)])\n");
    std::string src = "def score(self, x: Tensor) -> Tensor:\n" + fwd + "    g = " + w[L - 1] +
                      ".expand([x.size(0), " + w[L - 1] + ".size(1)])\n";
    for (int64_t i = L - 2; i >= 0; --i) {
      const std::string a = "a" + std::to_string(i);
      src += "    g = torch.mm(g * (" + script_activation_derivative(act, a) + "), " + w[i] + ")\n";
    }
    src += "    return (-g).reshape(x.size())\n";
    b.method(src);
  }
  b.method("def forward(self, x: Tensor) -> Tensor:\n    return x + " +
           script_float(denoise_sigma() * denoise_sigma()) + " * self.score(x)\n");
}

void ScoreModelImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::ScoreModel(input_shape=" << int_list(options.input_shape())
    << ", parameterization=" << to_string(options.parameterization())
    << ", hidden=" << int_list(options.hidden())
    << ", activation=" << to_string(options.activation()) << ", loss=" << to_string(options.loss());
  if (options.loss() == ScoreLoss::sliced) {
    s << ", projections=" << options.projections()
      << ", projection_dist=" << to_string(options.projection_dist())
      << ", variance_reduced=" << (options.variance_reduced() ? "true" : "false");
  }
  if (options.loss() == ScoreLoss::dsm)
    s << ", sigma=" << options.sigma();
  s << ", denoise_sigma=" << denoise_sigma() << ")";
}

// ---------------------------------------------------------------------------------------------
// Langevin dynamics

namespace {

void check_langevin(const LangevinOptions& o) {
  TORCH_CHECK(o.steps() > 0, "Langevin steps must be positive, got ", o.steps());
  TORCH_CHECK(o.step_size() > 0 && std::isfinite(o.step_size()),
              "Langevin step size must be positive, got ",
              o.step_size());
}

// `steps` updates x <- x + (alpha / 2) s(x) + sqrt(alpha) z in place (no graph).
void langevin_chain(
    const ScoreFn& score, torch::Tensor& x, int64_t steps, double alpha, at::Generator& gen) {
  const double noise = std::sqrt(alpha);
  const auto cpu = x.options().device(torch::kCPU);
  for (int64_t t = 0; t < steps; ++t) {
    auto s = score(x);
    TORCH_CHECK(s.sizes() == x.sizes(),
                "the score of points of shape ",
                x.sizes(),
                " has shape ",
                s.sizes());
    auto z = at::randn(x.sizes(), gen, cpu).to(x.device());
    x = x + (0.5 * alpha) * s.detach() + noise * z;
    if ((t + 1) % 100 == 0 || t + 1 == steps) {
      TORCH_CHECK(torch::isfinite(x).all().item<bool>(),
                  "Langevin dynamics diverged after ",
                  t + 1,
                  " steps of size ",
                  alpha,
                  "; use a smaller step size");
    }
  }
}

}  // namespace

torch::Tensor langevin_sample(const ScoreFn& score,
                              const torch::Tensor& x0,
                              const LangevinOptions& options) {
  check_langevin(options);
  TORCH_CHECK(options.sigmas().empty(),
              "langevin_sample is plain Langevin dynamics; use annealed_langevin_sample with "
              "noise levels");
  TORCH_CHECK(x0.is_floating_point(), "Langevin needs floating-point starting points");
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(options.seed());
  auto x = x0.detach().clone();
  // Welling & Teh 2011; Song & Ermon 2019, eq. 4: x_{t+1} = x_t + eps/2 s(x_t) + sqrt(eps) z_t.
  langevin_chain(score, x, options.steps(), options.step_size(), gen);
  return x;
}

torch::Tensor annealed_langevin_sample(const NoiseConditionalScoreFn& score,
                                       const torch::Tensor& x0,
                                       const LangevinOptions& options) {
  check_langevin(options);
  const auto& sig = options.sigmas();
  TORCH_CHECK(!sig.empty(), "annealed Langevin needs at least one noise level (sigmas)");
  for (size_t i = 0; i < sig.size(); ++i) {
    TORCH_CHECK(sig[i] > 0 && std::isfinite(sig[i]), "noise levels must be positive, got ", sig[i]);
    TORCH_CHECK(i == 0 || sig[i] < sig[i - 1],
                "noise levels must decrease, got ",
                sig[i - 1],
                " then ",
                sig[i]);
  }
  TORCH_CHECK(x0.is_floating_point(), "Langevin needs floating-point starting points");
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(options.seed());
  auto x = x0.detach().clone();
  const double last = sig.back();
  // Song & Ermon 2019, Algorithm 1: alpha_i = eps sigma_i^2 / sigma_L^2, T steps per level.
  for (double s : sig) {
    const double alpha = options.step_size() * (s * s) / (last * last);
    langevin_chain(
        [&](const torch::Tensor& t) { return score(t, s); }, x, options.steps(), alpha, gen);
  }
  return x;
}

}  // namespace aezoo
