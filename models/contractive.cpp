#include "models/contractive.h"

#include <sstream>
#include <stdexcept>

#include "models/autoencoder.h"

namespace aezoo {

JacobianEstimator jacobian_estimator_from_string(const std::string& s) {
  if (s == "closed_form")
    return JacobianEstimator::closed_form;
  if (s == "exact")
    return JacobianEstimator::exact;
  if (s == "random")
    return JacobianEstimator::random;
  throw std::invalid_argument("unknown estimator '" + s + "' (known: closed_form, exact, random)");
}

std::string to_string(JacobianEstimator e) {
  switch (e) {
    case JacobianEstimator::closed_form:
      return "closed_form";
    case JacobianEstimator::exact:
      return "exact";
    case JacobianEstimator::random:
      return "random";
  }
  return "?";
}

ContractiveImpl::ContractiveImpl(ContractiveOptions options_)
    : NetworkModel("Contractive", options_.likelihood()), options(std::move(options_)) {
  TORCH_CHECK(options.weight() >= 0, "weight must be >= 0, got ", options.weight());
  TORCH_CHECK(options.probes() >= 1, "probes must be >= 1, got ", options.probes());
  TORCH_CHECK(options.ho_weight() >= 0, "ho_weight must be >= 0, got ", options.ho_weight());
  TORCH_CHECK(options.ho_sigma() > 0, "ho_sigma must be positive, got ", options.ho_sigma());
  TORCH_CHECK(options.ho_samples() >= 1, "ho_samples must be >= 1, got ", options.ho_samples());
  TORCH_CHECK(options.network().encoder_heads() == 1,
              "a contractive autoencoder has one encoder head, got encoder_heads ",
              options.network().encoder_heads());
  if (options.estimator() == JacobianEstimator::closed_form) {
    TORCH_CHECK(
        options.network().architecture() == Architecture::mlp && options.network().hidden().empty(),
        "estimator closed_form needs a one-layer encoder h = s(W x + b) (architecture "
        "mlp, hidden: []); use estimator exact or random for deeper encoders");
  }
  network = register_module("network", Network(options.network()));
}

namespace {

// The probe directions v_m [N, code_dim] whose VJPs v_m^T J give the estimate: the unit
// vectors e_j (exact; sum_j ||e_j^T J||^2 = ||J||_F^2), or Gaussian vectors (random;
// E ||v^T J||^2 = tr(J J^T) = ||J||_F^2).
std::vector<torch::Tensor> probe_directions(JacobianEstimator estimator,
                                            int64_t probes,
                                            const torch::Tensor& h) {
  std::vector<torch::Tensor> vs;
  if (estimator == JacobianEstimator::exact) {
    for (int64_t j = 0; j < h.size(1); ++j) {
      auto v = torch::zeros_like(h);
      v.select(1, j).fill_(1.0);
      vs.push_back(v);
    }
  } else {
    for (int64_t m = 0; m < probes; ++m)
      vs.push_back(torch::randn_like(h));
  }
  return vs;
}

// v^T J_f(x) for each probe, each [N, D]: one backward pass per probe, batched over the
// examples (the examples are independent, so the VJP of the batch gives every row at once).
std::vector<torch::Tensor> vjp_rows(const torch::Tensor& h,
                                    const torch::Tensor& x,
                                    const std::vector<torch::Tensor>& vs,
                                    bool create_graph) {
  std::vector<torch::Tensor> rows;
  rows.reserve(vs.size());
  for (const auto& v : vs) {
    auto g = torch::autograd::grad({h}, {x}, {v}, /*retain_graph=*/true, create_graph)[0];
    rows.push_back(g.reshape({g.size(0), -1}));
  }
  return rows;
}

}  // namespace

ContractiveImpl::Penalties ContractiveImpl::penalties(const torch::Tensor& x,
                                                      const std::vector<torch::Tensor>& eps,
                                                      bool create_graph) {
  Penalties p;
  if (options.estimator() == JacobianEstimator::closed_form) {
    // h = s(a), a = W x + b: J = diag(s'(a)) W, so ||J||_F^2 = sum_j s'(a_j)^2 ||W_j||^2
    // (Rifai et al. 2011a give it for the sigmoid; here s' is the derivative of
    // the code activation actually used).
    auto enc = network->mlp_encoder();
    const Activation s = options.network().code_activation();
    const auto w2 = row_sum_squares(enc->weight(0));  // ||W_j||^2, [code_dim]
    const auto a = enc->first_preactivation(x);
    const auto d = activation_derivative(s, a);
    p.code = apply_activation(s, a);
    p.norm2 = (d.square() * w2).sum(1);
    if (!eps.empty()) {
      // J(x) - J(x + eps) = diag(s'(a) - s'(a~)) W (Rifai et al. 2011b, the higher-order term).
      torch::Tensor acc;
      for (const auto& e : eps) {
        const auto d2 = activation_derivative(s, enc->first_preactivation(x + e));
        const auto term = ((d - d2).square() * w2).sum(1);
        acc = acc.defined() ? acc + term : term;
      }
      p.diff_norm2 = acc / static_cast<double>(eps.size());
    }
    return p;
  }
  // exact / random: VJPs through autograd; create_graph keeps them differentiable w.r.t. the
  // parameters (the penalty's own gradient is a double backward).
  torch::AutoGradMode enable(true);
  const double scale =
      options.estimator() == JacobianEstimator::random ? 1.0 / options.probes() : 1.0;
  const auto xin = x.detach().requires_grad_(true);
  p.code = encode(xin);
  const auto vs = probe_directions(options.estimator(), options.probes(), p.code);
  const auto rows = vjp_rows(p.code, xin, vs, create_graph);
  torch::Tensor norm2;
  for (const auto& r : rows) {
    const auto t = row_sum_squares(r);
    norm2 = norm2.defined() ? norm2 + t : t;
  }
  // Goodfellow et al. 2016, eq. 14.18: ||df/dx||_F^2 = sum_j ||e_j^T J||^2.
  p.norm2 = norm2 * scale;
  if (!eps.empty()) {
    torch::Tensor acc;
    for (const auto& e : eps) {
      const auto xe = (x.detach() + e).requires_grad_(true);
      const auto he = encode(xe);
      const auto rows_e = vjp_rows(he, xe, vs, create_graph);
      for (size_t m = 0; m < rows.size(); ++m) {
        const auto t = row_sum_squares(rows[m] - rows_e[m]);
        acc = acc.defined() ? acc + t : t;
      }
    }
    // Rifai et al. 2011b: E_eps ||J(x) - J(x + eps)||_F^2, the same probes at both points.
    p.diff_norm2 = acc * (scale / static_cast<double>(eps.size()));
  }
  return p;
}

torch::Tensor ContractiveImpl::jacobian_norm2(const torch::Tensor& x, bool create_graph) {
  return penalties(x, {}, create_graph).norm2;
}

torch::Tensor ContractiveImpl::jacobian_difference_norm2(const torch::Tensor& x,
                                                         const torch::Tensor& eps,
                                                         bool create_graph) {
  TORCH_CHECK(eps.sizes() == x.sizes(),
              "eps must have the shape of x, got ",
              eps.sizes(),
              " and ",
              x.sizes());
  return penalties(x, {eps}, create_graph).diff_norm2;
}

torch::Tensor ContractiveImpl::jacobian(const torch::Tensor& x, bool create_graph) {
  torch::AutoGradMode enable(true);
  const auto xin = x.detach().requires_grad_(true);
  const auto h = encode(xin);
  const auto rows =
      vjp_rows(h, xin, probe_directions(JacobianEstimator::exact, 0, h), create_graph);
  return torch::stack(rows, 1);
}

ModelOutput ContractiveImpl::compute(const torch::Tensor& x) {
  // The penalty is differentiated only when the caller can backpropagate in training; in
  // evaluation it is computed without the double-backward graph.
  const bool outer_grad = torch::GradMode::is_enabled();
  const bool create_graph = outer_grad && is_training();
  std::vector<torch::Tensor> eps;
  if (options.ho_weight() > 0) {
    for (int64_t s = 0; s < options.ho_samples(); ++s)
      eps.push_back(options.ho_sigma() * torch::randn_like(x));
  }
  Penalties p = penalties(x, eps, create_graph);
  ModelOutput out;
  out.code = p.code;
  out.decoder_output = decode_raw(out.code);
  auto detach_unless = [&](const torch::Tensor& t, bool keep) { return keep ? t : t.detach(); };
  out.terms.emplace_back("recon",
                         detach_unless(likelihood_.nll(out.decoder_output, x).mean(), outer_grad));
  // Goodfellow et al. 2016, eq. 14.18: lambda ||df/dx||_F^2, per example, batch mean.
  out.terms.emplace_back("contractive",
                         detach_unless(options.weight() * p.norm2.mean(), create_graph));
  if (p.diff_norm2.defined()) {
    // Rifai et al. 2011b: gamma E_eps ||J(x) - J(x + eps)||_F^2.
    out.terms.emplace_back("higher_order",
                           detach_unless(options.ho_weight() * p.diff_norm2.mean(), create_graph));
  }
  out.metrics.emplace_back("jacobian_norm2", p.norm2.detach().mean());
  if (p.diff_norm2.defined())
    out.metrics.emplace_back("jacobian_diff_norm2", p.diff_norm2.detach().mean());
  if (!outer_grad) {
    out.code = out.code.detach();
    out.decoder_output = out.decoder_output.detach();
  }
  return out;
}

void ContractiveImpl::export_to(ScriptBuilder& b) {
  export_network(b, *network, likelihood_);
  add_default_forward(b);
}

void ContractiveImpl::pretty_print(std::ostream& s) const {
  s << "aezoo::" << (options.type() == "contractive" ? "Contractive" : options.type()) << "("
    << network->describe() << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli)
    s << ", likelihood_scale=" << likelihood_.options().scale();
  s << ", weight=" << options.weight() << ", estimator=" << to_string(options.estimator());
  if (options.estimator() == JacobianEstimator::random)
    s << ", probes=" << options.probes();
  if (options.ho_weight() > 0) {
    s << ", ho_weight=" << options.ho_weight() << ", ho_sigma=" << options.ho_sigma()
      << ", ho_samples=" << options.ho_samples();
  }
  s << ")";
}

}  // namespace aezoo
