#pragma once
// Variational autoencoder (Kingma & Welling 2014; Goodfellow et al. 2016, sec. 20.10.3):
// Gaussian posterior q(z | x) = N(mu(x), diag(exp(logvar(x)))) from an encoder with two heads,
// prior p(z) standard normal or factorised Laplace(0, 1), decoder likelihood p(x | z). Loss
// (per example, batch mean) = -log p(x | z) + beta * KL(q(z | x) || p(z)), z ~ q by the
// reparameterisation z = mu + exp(logvar / 2) * eps (eps from the global generator, also in
// evaluation: the loss is a one-sample estimate of the negative ELBO there too; encode and
// forward use the posterior mean and are deterministic).
//   normal prior   analytic KL (Kingma & Welling 2014, appendix B).
//   laplace prior  Monte Carlo KL with kl_samples draws: KL = -H[q] - E_q log p(z), the
//                  Gaussian entropy H[q] analytic and E_q log p(z) sampled.
// `aezoo eval` adds the importance-weighted bound with K = iwae_samples (Burda et al. 2016,
// eq. 8) as "iwae_nll" <= -ELBO.
#include <torch/torch.h>

#include <string>
#include <utility>

#include "models/network_model.h"

namespace aezoo {

enum class PriorKind { normal, laplace };
/// Parses "normal" | "laplace"; throws std::invalid_argument otherwise.
PriorKind prior_from_string(const std::string& s);
std::string to_string(PriorKind p);

struct VAEOptions {
  /// `network.encoder_heads` is set to 2 (mean and log-variance); code_activation must be
  /// identity.
  explicit VAEOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// Prior p(z). Default: normal.
  TORCH_ARG(PriorKind, prior) = PriorKind::normal;
  /// Weight of the KL term (beta-VAE), >= 0; the reported "elbo" always uses 1. Default: 1.
  TORCH_ARG(double, beta) = 1.0;
  /// laplace prior only: Monte Carlo samples per example for the KL, >= 1. Default: 1.
  TORCH_ARG(int64_t, kl_samples) = 1;
  /// Importance samples K of the evaluation metric "iwae_nll", >= 1. Default: 50.
  TORCH_ARG(int64_t, iwae_samples) = 50;
};

class VAEImpl : public NetworkModel {
 public:
  explicit VAEImpl(VAEOptions options);

  std::string type() const override {
    return "vae";
  }
  /// The posterior mean mu(x), [N, code_dim].
  torch::Tensor encode(const torch::Tensor& x) override;
  /// (mu, logvar) of q(z | x), each [N, code_dim].
  std::pair<torch::Tensor, torch::Tensor> encode_distribution(const torch::Tensor& x);
  /// Terms {"recon": -log p(x | z), "kl": beta * KL(q || p)}; metric {"elbo": -(recon + KL)}.
  /// `code` is the sample z.
  ModelOutput compute(const torch::Tensor& x) override;
  /// {"iwae_nll": -log (1/K sum_k p(x, z_k) / q(z_k | x)), K = iwae_samples}.
  std::vector<NamedScalar> evaluation_metrics(const torch::Tensor& x) override;

  /// Per-example KL(q(z | x) || p(z)), [N]: analytic (normal) or Monte Carlo (laplace).
  torch::Tensor kl(const torch::Tensor& mu, const torch::Tensor& logvar);
  /// Per-example log p(z), [N].
  torch::Tensor log_prior(const torch::Tensor& z) const;
  /// Per-example log q(z | x), [N], for z = mu + exp(logvar / 2) * eps.
  static torch::Tensor log_posterior(const torch::Tensor& eps, const torch::Tensor& logvar);
  /// Per-example importance-weighted negative log-likelihood estimate with K samples, [N]
  /// (Burda et al. 2016, eq. 8); K = 1 is the one-sample negative ELBO estimate.
  torch::Tensor iwae_nll(const torch::Tensor& x, int64_t K);
  /// Decoder means of n draws from the prior, [n, *input_shape]. Uses its own CPU generator
  /// seeded with `seed` (the global generator is untouched); the exported `sample(n, seed)`
  /// gives the same draws on the CPU.
  torch::Tensor sample(int64_t n, uint64_t seed);

  /// Adds encode (posterior mean), encode_distribution, decode, forward and sample(n, seed).
  /// The exported sample calls torch.manual_seed(seed) (TorchScript in LibTorch 1.13 has no
  /// Generator type), which reseeds the loading process's global generator.
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  VAEOptions options;
};
TORCH_MODULE(VAE);

/// Writes a PNG grid of `n` prior samples (decoder means) of `model`, whose examples must be
/// images [C, H, W] with C = 1 or 3. Throws aezoo::Error naming the path on failure.
void write_vae_samples(VAEImpl& model, const std::string& path, int64_t n, uint64_t seed = 0);

}  // namespace aezoo
