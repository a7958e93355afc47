#pragma once
// Sparse autoencoders (Goodfellow et al. 2016, sec. 14.2.1): the reconstruction loss plus a
// sparsity penalty on the code h = f(x).
//   l1  lambda * sum_j |h_j| per example. This is -log of the factorised Laplace prior
//       p(h_j) = lambda / 2 * exp(-lambda |h_j|) up to its constant -D log(lambda / 2): the
//       sparse autoencoder is a latent-variable model with a Laplace prior on h and a Dirac
//       posterior at f(x) (slide "Sparse Autoencoders"; Goodfellow et al. 2016, sec. 14.2.1).
//   kl  beta * sum_j KL(rho || rho_hat_j), rho_hat_j the batch mean of the sigmoid code unit j
//       (Ng 2011, CS294A "Sparse autoencoder" notes, "Autoencoders and sparsity"). A batch
//       statistic, not a per-example term; it needs code_activation sigmoid.
#include <torch/torch.h>

#include <string>

#include "models/network_model.h"

namespace aezoo {

enum class SparsityPenalty { l1, kl };
/// Parses "l1" | "kl"; throws std::invalid_argument otherwise.
SparsityPenalty sparsity_penalty_from_string(const std::string& s);
std::string to_string(SparsityPenalty p);

struct SparseOptions {
  explicit SparseOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// Which sparsity penalty. Default: l1.
  TORCH_ARG(SparsityPenalty, penalty) = SparsityPenalty::l1;
  /// lambda (l1) or beta (kl), >= 0, in nats per example. Default: 0.1.
  TORCH_ARG(double, weight) = 0.1;
  /// kl only: the target mean activation rho, in (0, 1). Default: 0.05.
  TORCH_ARG(double, target_rate) = 0.05;
};

/// Sum over code units of KL(Bernoulli(rho) || Bernoulli(rho_hat_j)); rho_hat [code_dim] is
/// clamped to [1e-6, 1 - 1e-6]. Returns a scalar.
torch::Tensor bernoulli_kl_sum(double rho, const torch::Tensor& rho_hat);

class SparseImpl : public NetworkModel {
 public:
  explicit SparseImpl(SparseOptions options);

  std::string type() const override {
    return "sparse";
  }
  /// Terms {"recon", "sparsity"}; metrics {"code_l1" (mean over the batch of sum_j |h_j|),
  /// "mean_activation" (mean of h over the batch and the code units)}.
  ModelOutput compute(const torch::Tensor& x) override;
  /// The weighted penalty for codes h [N, code_dim] (a scalar): l1 averages over the batch.
  torch::Tensor penalty(const torch::Tensor& h) const;
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  SparseOptions options;
};
TORCH_MODULE(Sparse);

}  // namespace aezoo
