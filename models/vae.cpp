#include "models/vae.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "core/error.h"
#include "core/image.h"

namespace aezoo {

PriorKind prior_from_string(const std::string& s) {
  if (s == "normal")
    return PriorKind::normal;
  if (s == "laplace")
    return PriorKind::laplace;
  throw std::invalid_argument("unknown prior '" + s + "' (known: normal, laplace)");
}

std::string to_string(PriorKind p) {
  return p == PriorKind::normal ? "normal" : "laplace";
}

namespace {
const double kLog2Pi = std::log(2.0 * M_PI);

NetworkOptions two_heads(NetworkOptions net) {
  TORCH_CHECK(net.code_activation() == Activation::identity,
              "a VAE's encoder outputs a mean and a log-variance; code_activation must be "
              "identity, got ",
              to_string(net.code_activation()));
  TORCH_CHECK(!net.tied_weights(), "a VAE cannot tie the decoder to its two-headed encoder");
  return net.encoder_heads(2);
}

// Laplace(0, 1) draws by inversion from uniforms u in [0, 1): z = -sign(v) log(1 - 2|v|),
// v = u - 1/2. The clamp keeps log finite when u = 0 exactly.
torch::Tensor laplace_from_uniform(const torch::Tensor& u) {
  auto v = u - 0.5;
  return -torch::sign(v) * torch::log1p(-torch::clamp(2.0 * v.abs(), c10::nullopt, 1.0 - 1e-7));
}
}  // namespace

VAEImpl::VAEImpl(VAEOptions options_)
    : NetworkModel("VAE", options_.likelihood()), options(std::move(options_)) {
  options.network(two_heads(options.network()));
  TORCH_CHECK(options.beta() >= 0, "beta must be >= 0, got ", options.beta());
  TORCH_CHECK(options.kl_samples() >= 1, "kl_samples must be >= 1, got ", options.kl_samples());
  TORCH_CHECK(
      options.iwae_samples() >= 1, "iwae_samples must be >= 1, got ", options.iwae_samples());
  network = register_module("network", Network(options.network()));
}

std::pair<torch::Tensor, torch::Tensor> VAEImpl::encode_distribution(const torch::Tensor& x) {
  auto out = network->encode(x);
  const int64_t k = code_dim();
  return {out.narrow(1, 0, k), out.narrow(1, k, k)};
}

torch::Tensor VAEImpl::encode(const torch::Tensor& x) {
  return encode_distribution(x).first;
}

torch::Tensor VAEImpl::log_prior(const torch::Tensor& z) const {
  if (options.prior() == PriorKind::normal) {
    // log N(z; 0, I) = -z^2 / 2 - log(2 pi) / 2 per dimension.
    return (-0.5 * z.square() - 0.5 * kLog2Pi).sum(1);
  }
  // log Laplace(z; 0, 1) = -|z| - log 2 per dimension.
  return (-z.abs() - std::log(2.0)).sum(1);
}

torch::Tensor VAEImpl::log_posterior(const torch::Tensor& eps, const torch::Tensor& logvar) {
  // log N(mu + sigma eps; mu, sigma^2) = -eps^2 / 2 - log sigma - log(2 pi) / 2.
  return (-0.5 * eps.square() - 0.5 * logvar - 0.5 * kLog2Pi).sum(1);
}

torch::Tensor VAEImpl::kl(const torch::Tensor& mu, const torch::Tensor& logvar) {
  if (options.prior() == PriorKind::normal) {
    // Kingma & Welling 2014, appendix B:
    // -KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2).
    return -0.5 * (1.0 + logvar - mu.square() - logvar.exp()).sum(1);
  }
  // KL(q || p) = -H[q] - E_q log p(z); H[q] = 1/2 sum_j (1 + log(2 pi) + logvar_j) exactly,
  // E_q log p(z) by kl_samples reparameterised draws (Kingma & Welling 2014, eq. 7 with the
  // entropy term analytic).
  const auto entropy = 0.5 * (1.0 + kLog2Pi + logvar).sum(1);
  const auto sigma = (0.5 * logvar).exp();
  torch::Tensor cross;
  for (int64_t s = 0; s < options.kl_samples(); ++s) {
    const auto lp = log_prior(mu + sigma * torch::randn_like(mu));
    cross = cross.defined() ? cross + lp : lp;
  }
  return -entropy - cross / static_cast<double>(options.kl_samples());
}

ModelOutput VAEImpl::compute(const torch::Tensor& x) {
  ModelOutput out;
  const auto [mu, logvar] = encode_distribution(x);
  // Reparameterisation (Kingma & Welling 2014, sec. 2.4): z = mu + sigma * eps.
  out.code = mu + (0.5 * logvar).exp() * torch::randn_like(mu);
  out.decoder_output = decode_raw(out.code);
  const auto recon = likelihood_.nll(out.decoder_output, x).mean();
  const auto kl_mean = kl(mu, logvar).mean();
  // Kingma & Welling 2014, eq. 10: -ELBO = -log p(x | z) + KL(q(z | x) || p(z)); beta weights
  // the KL (Higgins et al. 2017, eq. 4).
  out.terms.emplace_back("recon", recon);
  out.terms.emplace_back("kl", options.beta() * kl_mean);
  out.metrics.emplace_back("elbo", -(recon + kl_mean).detach());
  return out;
}

torch::Tensor VAEImpl::iwae_nll(const torch::Tensor& x, int64_t K) {
  TORCH_CHECK(K >= 1, "the number of importance samples must be >= 1, got ", K);
  const auto [mu, logvar] = encode_distribution(x);
  const auto sigma = (0.5 * logvar).exp();
  std::vector<torch::Tensor> log_w;
  log_w.reserve(K);
  for (int64_t k = 0; k < K; ++k) {
    // One sample at a time keeps the memory at one decoder pass.
    const auto eps = torch::randn_like(mu);
    const auto z = mu + sigma * eps;
    // log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x).
    log_w.push_back(-likelihood_.nll(decode_raw(z), x) + log_prior(z) - log_posterior(eps, logvar));
  }
  // Burda et al. 2016, eq. 8: L_K = E[log 1/K sum_k w_k]; -L_K by a stable logsumexp.
  return -(torch::logsumexp(torch::stack(log_w), 0) - std::log(static_cast<double>(K)));
}

std::vector<NamedScalar> VAEImpl::evaluation_metrics(const torch::Tensor& x) {
  return {{"iwae_nll", iwae_nll(x, options.iwae_samples()).mean()}};
}

torch::Tensor VAEImpl::sample(int64_t n, uint64_t seed) {
  TORCH_CHECK(n >= 1, "the number of samples must be >= 1, got ", n);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const std::vector<int64_t> shape = {n, code_dim()};
  torch::Tensor z = options.prior() == PriorKind::normal
                        ? torch::randn(shape, gen, torch::kFloat)
                        : laplace_from_uniform(torch::rand(shape, gen, torch::kFloat));
  const auto p = parameters().front();
  return decode(z.to(p.device(), p.scalar_type()));
}

void VAEImpl::export_to(ScriptBuilder& b) {
  const std::string k = std::to_string(code_dim());
  b.method("def encode_distribution(self, x: Tensor) -> Tuple[Tensor, Tensor]:\n" +
           network->script_encode(b, "x", "h") + "    return h.narrow(1, 0, " + k +
           "), h.narrow(1, " + k + ", " + k + ")\n");
  b.method(
      "def encode(self, x: Tensor) -> Tensor:\n"
      "    return self.encode_distribution(x)[0]\n");
  b.method("def decode(self, h: Tensor) -> Tensor:\n" + network->script_decode(b, "h", "y") +
           "    return " + likelihood_.script_mean("y") + "\n");
  add_default_forward(b);
  // The prior's location doubles as the device and dtype of the samples.
  const auto loc =
      b.tensor("prior_loc", torch::zeros({code_dim()}, parameters().front().options()));
  std::string draw =
      options.prior() == PriorKind::normal
          ? "    z = torch.randn([n, " + k + "])\n"
          : "    v = torch.rand([n, " + k +
                "]) - 0.5\n"
                "    z = -torch.sign(v) * torch.log1p(-torch.clamp(2.0 * torch.abs(v), "
                "max=" +
                script_float(1.0 - 1e-7) + "))\n";
  b.method(
      "def sample(self, n: int, seed: int) -> Tensor:\n"
      "    torch.manual_seed(seed)\n" +
      draw + "    return self.decode(" + loc + " + z.to(" + loc + ".device, " + loc + ".dtype))\n");
}

void VAEImpl::pretty_print(std::ostream& s) const {
  const auto& net = options.network();
  s << "aezoo::VAE(";
  // The network keys a VAE reads (code_activation and tied_weights do not apply).
  std::ostringstream shape;
  for (size_t i = 0; i < net.input_shape().size(); ++i)
    shape << (i ? ", " : "") << net.input_shape()[i];
  s << "input_shape=[" << shape.str() << "], latent_dim=" << net.latent_dim()
    << ", architecture=" << to_string(net.architecture());
  auto list = [](const std::vector<int64_t>& v) {
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < v.size(); ++i)
      o << (i ? ", " : "") << v[i];
    o << "]";
    return o.str();
  };
  if (net.architecture() == Architecture::mlp)
    s << ", hidden=" << list(net.hidden());
  else
    s << ", channels=" << list(net.channels()) << ", kernel_size=" << net.kernel_size();
  s << ", activation=" << to_string(net.activation())
    << ", likelihood=" << to_string(likelihood_.options().kind());
  if (likelihood_.options().kind() != LikelihoodKind::bernoulli)
    s << ", likelihood_scale=" << likelihood_.options().scale();
  s << ", prior=" << to_string(options.prior()) << ", beta=" << options.beta();
  if (options.prior() == PriorKind::laplace)
    s << ", kl_samples=" << options.kl_samples();
  s << ", iwae_samples=" << options.iwae_samples() << ")";
}

void write_vae_samples(VAEImpl& model, const std::string& path, int64_t n, uint64_t seed) {
  const auto shape = model.input_shape();
  if (shape.size() != 3 || (shape[0] != 1 && shape[0] != 3))
    throw Error(path +
                ": cannot write VAE samples as an image: the examples are not images "
                "[C, H, W] with C = 1 or 3");
  if (n < 1)
    throw Error(path + ": the number of samples must be >= 1, got " + std::to_string(n));
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  const auto images = model.sample(n, seed).to(torch::kCPU, torch::kFloat);
  model.train(was_training);
  const auto cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  write_png(path, make_grid(images, cols));
}

}  // namespace aezoo
