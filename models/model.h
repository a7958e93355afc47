#pragma once
// The interface every aezoo model implements. The trainer, evaluator and exporter only
// know this interface; concrete models live in their own file pairs under models/.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "core/script_builder.h"
#include "models/likelihood.h"

namespace aezoo {

/// A named scalar (per example, averaged over the batch).
using NamedScalar = std::pair<std::string, torch::Tensor>;

/// What a model reports for one batch.
struct ModelOutput {
  /// The code h = f(x) used for the reconstruction, [N, code_dim].
  torch::Tensor code;
  /// The decoder's raw output (logits for a Bernoulli decoder), [N, *input_shape].
  torch::Tensor decoder_output;
  /// Terms whose sum is the training loss, e.g. {"recon", ...}, {"contractive", ...}. Each is
  /// a scalar: per example, averaged over the batch, already multiplied by its weight.
  std::vector<NamedScalar> terms;
  /// Quantities logged but not optimised (e.g. the unweighted Jacobian norm). Scalars.
  std::vector<NamedScalar> metrics;

  /// Sum of `terms` (a scalar that requires grad in training).
  torch::Tensor loss() const;
};

/// Abstract autoencoder h = f(x), r = g(h) with a decoder likelihood p(x | h).
class AutoencoderBase : public torch::nn::Module {
 public:
  explicit AutoencoderBase(std::string name) : torch::nn::Module(std::move(name)) {}
  ~AutoencoderBase() override = default;

  /// Registry name, e.g. "autoencoder".
  virtual std::string type() const = 0;
  /// Size of the code h.
  virtual int64_t code_dim() const = 0;
  /// Shape of one example, e.g. {1, 28, 28}.
  virtual std::vector<int64_t> input_shape() const = 0;
  virtual const Likelihood& likelihood() const = 0;

  /// Deterministic code, [N, *input_shape] -> [N, code_dim] (a VAE's posterior mean).
  virtual torch::Tensor encode(const torch::Tensor& x) = 0;
  /// The decoder's raw output (logits for Bernoulli), [N, code_dim] -> [N, *input_shape].
  virtual torch::Tensor decode_raw(const torch::Tensor& h) = 0;
  /// The decoder's mean in data space.
  torch::Tensor decode(const torch::Tensor& h) {
    return likelihood().mean(decode_raw(h));
  }
  /// Deterministic reconstruction in data space: decode(encode(x)).
  virtual torch::Tensor forward(const torch::Tensor& x) {
    return decode(encode(x));
  }

  /// Loss terms for a batch. Training mode (is_training()) may add noise; eval mode reports
  /// the deterministic loss plus evaluation-only metrics. Default: {"recon": -log p(x | f(x))}.
  virtual ModelOutput compute(const torch::Tensor& x);

  /// Evaluation-only metrics computed by `aezoo eval` over a split (not every epoch), e.g. an
  /// importance-weighted log-likelihood or the error on corrupted inputs. Each is a scalar
  /// averaged over the batch; the caller averages over batches weighted by size. Default: none.
  virtual std::vector<NamedScalar> evaluation_metrics(const torch::Tensor& x) {
    return {};
  }

  /// True when `compute` needs autograd even in evaluation (e.g. Jacobian penalties).
  virtual bool needs_grad_in_eval() const {
    return false;
  }

  /// True when the model estimates the score d log p(x) / dx (score models; a denoising
  /// autoencoder with Gaussian corruption only). Default: false.
  virtual bool has_score() const {
    return false;
  }
  /// The score estimate s(x) ~ d log p(x) / dx, [N, *input_shape] -> [N, *input_shape], in the
  /// (normalised) data space the model was trained on. Default: throws (no score).
  virtual torch::Tensor score(const torch::Tensor& x);

  /// Writes the TorchScript methods of this model: at least `encode(x)`, `decode(h)` and
  /// `forward(x)`; plus `encode_distribution`, `sample`, `score` where the model has them.
  virtual void export_to(ScriptBuilder& builder) = 0;

  /// `aezoo::Name(key=value, ...)`.
  void pretty_print(std::ostream& stream) const override = 0;
};

/// Shared pointer to a model: what the registry builds and the trainer consumes.
using ModelPtr = std::shared_ptr<AutoencoderBase>;

/// Adds `forward(x) = decode(encode(x))` to `builder` when the model did not define forward.
void add_default_forward(ScriptBuilder& builder);

/// Where a module's parameters live: the device of its first parameter, or `fallback` for a
/// module without parameters.
torch::Device model_device(const torch::nn::Module& model, torch::Device fallback = torch::kCPU);

}  // namespace aezoo
