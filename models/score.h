#pragma once
// Score matching (Goodfellow et al. 2016, sec. 14.5.1 and eq. 14.15): a network s(x) that
// estimates the score d log p(x) / dx, trained without knowing p, and Langevin sampling from
// such a score.
//
// Losses (per example, averaged over the batch; x flattened to [N, D]):
//   exact   Hyvarinen 2005, eq. 4:        tr(ds/dx) + 0.5 ||s||^2, the trace by one backward
//                                         pass per input dimension.
//   sliced  Song et al. 2019, eq. 7:      v^T (ds/dx) v + 0.5 (v^T s)^2, v random (Gaussian or
//                                         Rademacher), M projections; eq. 8 (SSM-VR) replaces
//                                         the second term by its expectation 0.5 ||s||^2.
//   dsm     Vincent 2011, eq. 4.5:        0.5 ||s(x~) + (x~ - x) / sigma^2||^2, x~ = x + sigma eps,
//                                         reported WITHOUT the parameter-free part
//                                         0.5 ||eps||^2 / sigma^2 (same gradient, far less
//                                         variance): 0.5 ||s(x~)||^2 + s(x~) . eps / sigma, whose
//                                         expectation is the exact loss on the noisy data
//                                         (Stein's lemma), so all three report comparable values.
// Up to a constant independent of s, each equals 0.5 E||s - d log p / dx||^2 (dsm: of the
// noisy density q_sigma = p * N(0, sigma^2 I)).
//
// As an aezoo model (registry type `score_model`) the code is the point itself: encode(x) = x
// (flattened, code_dim = D), decode(h) = h, and forward(x) = x + sigma_r^2 s(x), the one-step
// denoiser of Tweedie's formula (E[x | x~] = x~ + sigma^2 d log q_sigma(x~) / dx~; Alain &
// Bengio 2014, Theorem 1) with sigma_r = `denoise_sigma` (default: `sigma`, 0.1, which is
// the training noise when the loss is dsm).
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "models/blocks.h"
#include "models/model.h"

namespace aezoo {

enum class ScoreLoss { exact, sliced, dsm };
/// Parses "exact" | "sliced" | "dsm"; throws std::invalid_argument otherwise.
ScoreLoss score_loss_from_string(const std::string& s);
std::string to_string(ScoreLoss l);

/// How the network gives the score: `direct` s = MLP(x): R^D -> R^D; `energy` s = -dE/dx for
/// a scalar energy E = MLP(x): R^D -> R (a conservative field; training needs the double
/// backward).
enum class ScoreParameterization { direct, energy };
/// Parses "direct" | "energy"; throws std::invalid_argument otherwise.
ScoreParameterization score_parameterization_from_string(const std::string& s);
std::string to_string(ScoreParameterization p);

/// Distribution of the sliced-score-matching projections v (E[v v^T] = I for both).
enum class ProjectionDist { gaussian, rademacher };
/// Parses "gaussian" | "rademacher"; throws std::invalid_argument otherwise.
ProjectionDist projection_dist_from_string(const std::string& s);
std::string to_string(ProjectionDist d);

/// A differentiable score function [N, D] -> [N, D]: the result must stay connected to the
/// autograd graph of its input (the losses differentiate it with respect to x).
using ScoreFn = std::function<torch::Tensor(const torch::Tensor&)>;

/// tr(ds/dx) per example, [N], by one backward pass per input dimension (create_graph, so the
/// result can be differentiated again). `x` is [N, D]; it is detached and made a leaf.
torch::Tensor score_divergence(const ScoreFn& score, const torch::Tensor& x);

/// Hyvarinen 2005, eq. 4: tr(ds/dx) + 0.5 ||s(x)||^2 per example, [N]. x: [N, D].
torch::Tensor exact_score_matching(const ScoreFn& score, const torch::Tensor& x);

struct SlicedScoreMatchingOptions {
  /// Number of projections M per example (> 0). Default: 1.
  TORCH_ARG(int64_t, projections) = 1;
  /// Distribution of v. Default: rademacher.
  TORCH_ARG(ProjectionDist, projection_dist) = ProjectionDist::rademacher;
  /// Use 0.5 ||s||^2 (its expectation over v) for the second term (SSM-VR, Song et al. 2019,
  /// eq. 8). Default: true.
  TORCH_ARG(bool, variance_reduced) = true;
};

/// Song et al. 2019, eq. 7 (SSM) / eq. 8 (SSM-VR), per example averaged over the M
/// projections, [N]. All M projections share one forward and one backward pass (x is
/// replicated M times). `gen`: CPU generator for v (default: the global generator of x's
/// device).
torch::Tensor sliced_score_matching(const ScoreFn& score,
                                    const torch::Tensor& x,
                                    const SlicedScoreMatchingOptions& options,
                                    c10::optional<at::Generator> gen = c10::nullopt);

/// Vincent 2011, eq. 4.5, without its parameter-free part (see the file comment):
/// 0.5 ||s(x~)||^2 + s(x~) . eps / sigma with x~ = x + sigma eps, per example, [N].
/// When `full` is given it receives Vincent's complete value 0.5 ||s(x~) + eps / sigma||^2,
/// [N]. `gen`: CPU generator for eps (default: the global generator of x's device).
torch::Tensor denoising_score_matching(const ScoreFn& score,
                                       const torch::Tensor& x,
                                       double sigma,
                                       c10::optional<at::Generator> gen = c10::nullopt,
                                       torch::Tensor* full = nullptr);

struct ScoreModelOptions {
  explicit ScoreModelOptions(std::vector<int64_t> input_shape)
      : input_shape_(std::move(input_shape)) {}
  /// Shape of one example, e.g. {2} or {1, 28, 28}; D is its number of elements.
  TORCH_ARG(std::vector<int64_t>, input_shape);
  /// direct (s = MLP(x)) or energy (s = -dE/dx). Default: direct.
  TORCH_ARG(ScoreParameterization, parameterization) = ScoreParameterization::direct;
  /// Hidden layer sizes of the MLP. Default: {128, 128}.
  TORCH_ARG(std::vector<int64_t>, hidden) = std::vector<int64_t>{128, 128};
  /// Hidden-layer activation. It must be C^k where k counts the derivatives the loss takes of
  /// the MLP with respect to x: 1 for exact/sliced, +1 for energy. relu and leaky_relu are
  /// C^0 and elu is C^1; with too little smoothness autograd drops the singular part of the
  /// derivatives and the training gradient is wrong. Default: softplus.
  TORCH_ARG(Activation, activation) = Activation::softplus;
  /// Training objective. Default: sliced (it targets the score of p itself, unlike dsm, at a
  /// cost independent of D, unlike exact).
  TORCH_ARG(ScoreLoss, loss) = ScoreLoss::sliced;
  /// sliced only: number of projections M. Default: 1.
  TORCH_ARG(int64_t, projections) = 1;
  /// sliced only: distribution of the projections. Default: rademacher.
  TORCH_ARG(ProjectionDist, projection_dist) = ProjectionDist::rademacher;
  /// sliced only: SSM-VR (eq. 8 of Song et al. 2019). Default: true.
  TORCH_ARG(bool, variance_reduced) = true;
  /// dsm only: noise standard deviation sigma, data units, > 0. Default: 0.1.
  TORCH_ARG(double, sigma) = 0.1;
  /// sigma_r of forward(x) = x + sigma_r^2 s(x) (the Tweedie denoiser), data units, > 0.
  /// Default (nullopt): `sigma` (0.1 unless set; with loss dsm it is the training noise).
  TORCH_ARG(c10::optional<double>, denoise_sigma) = c10::nullopt;
};

/// A score network trained by score matching (registry type `score_model`).
class ScoreModelImpl : public AutoencoderBase {
 public:
  explicit ScoreModelImpl(ScoreModelOptions options);

  std::string type() const override {
    return "score_model";
  }
  /// D, the number of elements of one example (the code is the point itself).
  int64_t code_dim() const override {
    return dim_;
  }
  std::vector<int64_t> input_shape() const override {
    return options.input_shape();
  }
  /// Gaussian with scale sigma_r: the Tweedie denoiser's Gaussian posterior around forward(x).
  const Likelihood& likelihood() const override {
    return likelihood_;
  }
  /// x flattened, [N, *input_shape] -> [N, D].
  torch::Tensor encode(const torch::Tensor& x) override;
  /// h reshaped, [N, D] -> [N, *input_shape].
  torch::Tensor decode_raw(const torch::Tensor& h) override;
  /// x + sigma_r^2 s(x).
  torch::Tensor forward(const torch::Tensor& x) override;

  /// {"score_matching": the loss of options.loss}; metrics "score_norm2" (E||s||^2) and, for
  /// exact/sliced, "divergence" (the trace or its projected estimate v^T (ds/dx) v); dsm adds
  /// "dsm_vincent" (Vincent's eq. 4.5 with its constant). Training draws projections / noise
  /// from the global generator; evaluation uses a fixed seed, so the evaluation loss is a
  /// deterministic function of the weights. `decoder_output` is forward() at the points where
  /// s was evaluated (x; x~ for dsm).
  ModelOutput compute(const torch::Tensor& x) override;
  /// True for exact/sliced (they differentiate s) and for the energy parameterisation.
  bool needs_grad_in_eval() const override;

  bool has_score() const override {
    return true;
  }
  /// s(x), [N, *input_shape] -> [N, *input_shape]. Differentiable with respect to x (and the
  /// parameters) when grad mode is on; for energy, it enables autograd internally.
  torch::Tensor score(const torch::Tensor& x) override;
  /// s on flattened points, [N, D] -> [N, D] (a ScoreFn).
  torch::Tensor score_flat(const torch::Tensor& x);
  /// The energy E(x), [N, *input_shape] -> [N]; energy parameterisation only.
  torch::Tensor energy(const torch::Tensor& x);
  /// sigma_r of forward().
  double denoise_sigma() const;

  /// encode, decode, forward, score, and `energy` for the energy parameterisation (its score
  /// is the MLP's backward pass written out in TorchScript).
  void export_to(ScriptBuilder& builder) override;
  void pretty_print(std::ostream& stream) const override;

  MLP net{nullptr};
  ScoreModelOptions options;

 private:
  Likelihood likelihood_;
  int64_t dim_ = 0;
};
TORCH_MODULE(ScoreModel);

/// Throws c10::Error when `options` are inconsistent (see ScoreModelOptions::activation).
void check_score_model_options(const ScoreModelOptions& options);

/// A score of noise level sigma, s(x; sigma) ~ d log q_sigma(x) / dx (noise-conditional).
using NoiseConditionalScoreFn = std::function<torch::Tensor(const torch::Tensor&, double)>;

struct LangevinOptions {
  /// Updates (per noise level when annealed), > 0. Default: 1000.
  TORCH_ARG(int64_t, steps) = 1000;
  /// Step size eps (squared data units), > 0. Default: 1e-3.
  TORCH_ARG(double, step_size) = 1e-3;
  /// Seed of the injected noise z_t. Default: 0.
  TORCH_ARG(uint64_t, seed) = 0;
  /// Annealed only: noise levels sigma_1 > ... > sigma_L > 0. Default: empty (plain Langevin).
  TORCH_ARG(std::vector<double>, sigmas) = std::vector<double>{};
};

/// Unadjusted Langevin dynamics (Welling & Teh 2011; Song & Ermon 2019, eq. 4):
/// x_{t+1} = x_t + (eps / 2) s(x_t) + sqrt(eps) z_t, z_t ~ N(0, I) from a CPU generator seeded
/// with options.seed (the same seed gives the same samples on any device). `x0` is the start,
/// any shape [N, ...] that `score` accepts. Runs without building a graph. Throws c10::Error
/// when the chain leaves the finite numbers (step size too large).
torch::Tensor langevin_sample(const ScoreFn& score,
                              const torch::Tensor& x0,
                              const LangevinOptions& options);

/// Annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1): for each sigma_i of
/// options.sigmas, `steps` updates with step alpha_i = eps sigma_i^2 / sigma_L^2 and the score
/// s(x; sigma_i). Recovers mixture weights that plain Langevin, which does not mix between
/// modes, gets wrong.
torch::Tensor annealed_langevin_sample(const NoiseConditionalScoreFn& score,
                                       const torch::Tensor& x0,
                                       const LangevinOptions& options);

}  // namespace aezoo
