#pragma once
// Contractive autoencoders (Rifai et al. 2011a; Goodfellow et al. 2016, sec. 14.7, eq. 14.18):
// the reconstruction loss plus lambda * ||J_f(x)||_F^2 per example, J_f = df/dx the encoder
// Jacobian [code_dim, D]. Three estimators of ||J_f(x)||_F^2:
//   closed_form  one affine+elementwise layer h = s(W x + b): sum_j s'(a_j)^2 ||W_j||^2 with
//                s' the derivative of the code activation actually used (hidden: [] only).
//   exact        any encoder: one vector-Jacobian product e_j^T J per code unit, batched
//                over the examples (code_dim backward passes, create_graph for training).
//   random       unbiased: E_v ||v^T J||^2 = ||J||_F^2 for v ~ N(0, I_code), averaged over
//                `probes` draws (Hutchinson-style; `probes` backward passes).
// The higher-order CAE (Rifai et al. 2011b, "Higher order contractive auto-encoder") adds
// gamma * E_eps ||J_f(x) - J_f(x + eps)||_F^2, eps ~ N(0, ho_sigma^2 I), estimated with
// `ho_samples` draws (registry type higher_order_contractive; ho_weight = gamma).
// The penalty's gradient w.r.t. the parameters goes through a double backward.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "models/network_model.h"

namespace aezoo {

enum class JacobianEstimator { closed_form, exact, random };
/// Parses "closed_form" | "exact" | "random"; throws std::invalid_argument otherwise.
JacobianEstimator jacobian_estimator_from_string(const std::string& s);
std::string to_string(JacobianEstimator e);

struct ContractiveOptions {
  explicit ContractiveOptions(NetworkOptions network) : network_(std::move(network)) {}
  /// Encoder/decoder architecture.
  TORCH_ARG(NetworkOptions, network);
  /// Decoder likelihood. Default: bernoulli.
  TORCH_ARG(LikelihoodOptions, likelihood) = LikelihoodOptions();
  /// lambda, the weight of ||J_f(x)||_F^2, >= 0. Default: 0.1.
  TORCH_ARG(double, weight) = 0.1;
  /// How ||J_f(x)||_F^2 is computed. Default: exact.
  TORCH_ARG(JacobianEstimator, estimator) = JacobianEstimator::exact;
  /// random only: number of Gaussian probe vectors per example, >= 1. Default: 1.
  TORCH_ARG(int64_t, probes) = 1;
  /// gamma, the weight of E_eps ||J(x) - J(x + eps)||_F^2, >= 0 (0 = plain CAE). Default: 0.
  TORCH_ARG(double, ho_weight) = 0.0;
  /// Standard deviation of the perturbation eps, > 0. Default: 0.1.
  TORCH_ARG(double, ho_sigma) = 0.1;
  /// Draws of eps per example, >= 1. Default: 1.
  TORCH_ARG(int64_t, ho_samples) = 1;
  /// Registry name reported by type(). Default: "contractive".
  TORCH_ARG(std::string, type) = "contractive";
};

class ContractiveImpl : public NetworkModel {
 public:
  explicit ContractiveImpl(ContractiveOptions options);

  std::string type() const override {
    return options.type();
  }
  /// Terms {"recon", "contractive"} (+ "higher_order" when ho_weight > 0); metrics
  /// {"jacobian_norm2": mean ||J||_F^2 by the estimator, unweighted} (+ "jacobian_diff_norm2").
  ModelOutput compute(const torch::Tensor& x) override;
  bool needs_grad_in_eval() const override {
    return true;
  }

  /// Per-example ||J_f(x)||_F^2 by the configured estimator, [N]. With create_graph the
  /// result is differentiable w.r.t. the parameters (double backward). `random` draws its
  /// probes from the global generator.
  torch::Tensor jacobian_norm2(const torch::Tensor& x, bool create_graph = true);
  /// Per-example ||J_f(x) - J_f(x + eps)||_F^2 for a given perturbation eps (shape of x), by
  /// the configured estimator (`random` uses the same probes at x and x + eps), [N].
  torch::Tensor jacobian_difference_norm2(const torch::Tensor& x,
                                          const torch::Tensor& eps,
                                          bool create_graph = true);
  /// The explicit Jacobian df/dx, [N, code_dim, D] with D the flattened input size (one VJP
  /// per code unit).
  torch::Tensor jacobian(const torch::Tensor& x, bool create_graph = false);

  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  ContractiveOptions options;

 private:
  struct Penalties {
    torch::Tensor code;        // f(x), [N, code_dim]
    torch::Tensor norm2;       // ||J(x)||^2, [N]
    torch::Tensor diff_norm2;  // mean over eps of ||J(x) - J(x + eps)||^2, [N]; undefined if none
  };
  Penalties penalties(const torch::Tensor& x,
                      const std::vector<torch::Tensor>& eps,
                      bool create_graph);
};
TORCH_MODULE(Contractive);

}  // namespace aezoo
