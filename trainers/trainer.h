#pragma once
// The shared training loop. Knows the model interface (AutoencoderBase), not concrete models.
#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "datasets/dataset.h"
#include "models/model.h"

namespace aezoo {

struct OptimizerOptions {
  /// adam | adamw | sgd | rmsprop. Default: adam.
  std::string type = "adam";
  /// Learning rate. Default: 1e-3.
  double lr = 1e-3;
  /// L2 penalty (adam, sgd, rmsprop) or decoupled decay (adamw). Default: 0 (adamw: 1e-2).
  double weight_decay = 0.0;
  /// sgd and rmsprop momentum. Default: 0.
  double momentum = 0.0;
  /// sgd: Nesterov momentum. Default: false.
  bool nesterov = false;
  /// adam/adamw betas. Default: 0.9, 0.999.
  double beta1 = 0.9, beta2 = 0.999;
  /// adam/adamw/rmsprop epsilon. Default: 1e-8.
  double eps = 1e-8;
  /// rmsprop smoothing constant. Default: 0.99.
  double alpha = 0.99;
};

struct SchedulerOptions {
  /// none | step | cosine | plateau. Default: none.
  std::string type = "none";
  /// step: multiply the lr by gamma every step_size epochs. Defaults: 10, 0.1.
  int64_t step_size = 10;
  double gamma = 0.1;
  /// cosine: anneal from lr to min_lr over the run's epochs. Default: 0.
  double min_lr = 0.0;
  /// plateau: multiply by factor after `patience` epochs without improvement of the
  /// validation loss. Defaults: 0.5, 3.
  double factor = 0.5;
  int64_t patience = 3;
};

struct TrainerOptions {
  /// Passes over the training split. Default: 10.
  int64_t epochs = 10;
  /// Examples per step. Default: 128.
  int64_t batch_size = 128;
  OptimizerOptions optimizer;
  SchedulerOptions scheduler;
  /// Clip the global gradient L2 norm to this value; 0 = off. Default: 0.
  double clip_grad_norm = 0.0;
  /// Stop after this many epochs without improvement of the validation loss; 0 = off.
  int64_t early_stopping_patience = 0;
  /// Minimum decrease of the validation loss that counts as an improvement. Default: 0.
  double min_delta = 0.0;
  /// Write a checkpoint every N epochs (and always at the end and on SIGINT). Default: 1.
  int64_t checkpoint_every = 1;
  /// Intra-op threads; 0 = the measured default (see core/threads.h). Default: 0.
  int64_t threads = 0;
  /// Batch size used for evaluation passes. Default: 1000.
  int64_t eval_batch_size = 1000;
  /// Seed for initialisation, shuffling and model noise. Set from the experiment's `seed`.
  uint64_t seed = 1;
  /// Device to train on. Set from the experiment's `device`.
  torch::Device device = torch::kCPU;
};

/// Per-epoch record: written as one line of metrics.jsonl.
struct EpochRecord {
  int64_t epoch = 0;                    // 1-based
  std::map<std::string, double> train;  // "loss" and each term/metric, averaged over examples
  std::map<std::string, double> val;    // same on the validation (or test) split
  double lr = 0, seconds = 0, samples_per_second = 0;
  Json to_json() const;
};

/// Summary returned by Trainer::fit.
struct FitResult {
  int64_t epochs_completed = 0;
  int64_t steps = 0;
  double best_val_loss = 0;
  int64_t best_epoch = 0;
  bool interrupted = false;  // stopped by SIGINT or a callback; checkpoint written
  bool early_stopped = false;
  std::vector<EpochRecord> history;
};

/// Trains `model` on `data`, writing checkpoints and metrics under `run_dir`:
///   run_dir/metrics.jsonl            one EpochRecord per line
///   run_dir/checkpoints/last.pt      resumable state (model, optimizer, scheduler, RNG, ...)
///   run_dir/checkpoints/best.pt      model weights at the best validation loss
/// Checkpoint files are written atomically (temporary file, flush, rename).
class Trainer {
 public:
  Trainer(TrainerOptions options, std::string run_dir);

  /// Runs (or, when `resume` is true and run_dir/checkpoints/last.pt exists, continues) the
  /// training. Throws DivergenceError naming epoch and step when the loss becomes NaN/Inf
  /// (the last good checkpoint is kept).
  FitResult fit(AutoencoderBase& model, const Dataset& data, bool resume = false);

  /// Averages of loss, terms and metrics of `model` over x (eval mode; no grad unless the
  /// model needs it).
  std::map<std::string, double> evaluate(AutoencoderBase& model, const torch::Tensor& x) const;

  /// Called after every optimizer step with (epoch, step-in-epoch, global step); returning
  /// true requests a clean stop (checkpoint written, as for SIGINT).
  std::function<bool(int64_t, int64_t, int64_t)> on_step;
  /// Called after every epoch with its record.
  std::function<void(const EpochRecord&)> on_epoch;
  /// Where progress lines go: a bar when stderr is a terminal, plain lines otherwise.
  bool quiet = false;

  const TrainerOptions& options() const {
    return options_;
  }

 private:
  TrainerOptions options_;
  std::string run_dir_;
};

/// Set by the SIGINT handler installed by install_interrupt_handler(); the trainer checks it
/// after every step.
std::atomic<bool>& interrupt_flag();
void install_interrupt_handler();

/// Loads model weights (only) from a checkpoint file written by the trainer (last.pt or
/// best.pt). Throws aezoo::Error naming the file when it is missing or corrupt.
void load_model_weights(AutoencoderBase& model, const std::string& checkpoint_path);

}  // namespace aezoo
