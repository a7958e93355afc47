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
#include "trainers/optim.h"

namespace aezoo {

struct TrainerOptions {
  /// Passes over the training split. Default: 10.
  int64_t epochs = 10;
  /// Examples per step. Default: 128.
  int64_t batch_size = 128;
  /// Optimizer (trainers/optim.h). Default: adam, lr 1e-3.
  OptimizerOptions optimizer;
  /// Learning-rate schedule, applied per epoch (trainers/optim.h). Default: none.
  SchedulerOptions scheduler;
  /// Clip the global gradient L2 norm to this value; 0 = off. Default: 0.
  double clip_grad_norm = 0.0;
  /// Stop after this many epochs without improvement of the validation loss; 0 = off.
  /// Default: 0.
  int64_t early_stopping_patience = 0;
  /// Minimum decrease of the validation loss that counts as an improvement for early
  /// stopping (best.pt always tracks the lowest loss). Default: 0.
  double min_delta = 0.0;
  /// Write a checkpoint every N epochs (and always at the end and on SIGINT). Default: 1.
  int64_t checkpoint_every = 1;
  /// Intra-op threads; 0 = the measured default (see core/threads.h). Default: 0.
  int64_t threads = 0;
  /// OpenBLAS threads; 0 = the same as `threads`. Two on a quiet 2-core machine made the
  /// VAE epoch ~35% faster, but 2x slower as soon as another process used a core (README,
  /// Threads). Results differ in the last bits between settings (OpenBLAS blocks the
  /// products differently). Default: 0.
  int64_t blas_threads = 0;
  /// Batch size used for evaluation passes. Default: 1000.
  int64_t eval_batch_size = 1000;
  /// Seed for initialisation, shuffling and model noise. Set from the experiment's `seed`.
  /// A fresh fit() calls torch::manual_seed(seed); shuffling uses its own generator derived
  /// from it. Default: 1.
  uint64_t seed = 1;
  /// Device to train on. Set from the experiment's `device`. Default: CPU.
  torch::Device device = torch::kCPU;
  /// Check the loss for NaN/Inf every N steps; 0 = every step on CPU (free there) and every
  /// 25 steps on other devices (a check reads the device; the first bad step is still the
  /// one reported, and no checkpoint is written before a check). Default: 0.
  int64_t finite_check_every = 0;
};

/// Per-epoch record: written as one line of metrics.jsonl.
struct EpochRecord {
  /// 1-based epoch number.
  int64_t epoch = 0;
  /// "loss" and each term/metric, averaged over the examples of the epoch (training mode,
  /// weights changing during the epoch).
  std::map<std::string, double> train;
  /// The same measured after the epoch on the validation (or test) split, in eval mode.
  std::map<std::string, double> val;
  /// Learning rate used during the epoch; seconds of training (not evaluation) and training
  /// examples per second.
  double lr = 0, seconds = 0, samples_per_second = 0;
  /// Name of the split `val` was measured on: "val", or "test" when the data set has no
  /// validation split (empty `val` when it has neither). Default: "val".
  std::string val_split = "val";
  /// Seconds spent evaluating after the epoch. Default: 0.
  double eval_seconds = 0;
  /// {"epoch", "train_loss", "<val_split>_loss", "train_<term>"..., "<val_split>_<term>"...,
  /// "lr", "seconds", "samples_per_second", "eval_seconds"}.
  Json to_json() const;
};

/// Summary returned by Trainer::fit.
struct FitResult {
  /// Epochs finished in the whole run (including those before a resume).
  int64_t epochs_completed = 0;
  /// Optimizer steps taken in the whole run.
  int64_t steps = 0;
  /// Lowest validation (or test; training when neither exists) loss and its epoch; +inf and
  /// 0 before the first epoch ends.
  double best_val_loss = 0;
  int64_t best_epoch = 0;
  /// Stopped by SIGINT or a callback; the checkpoint is written.
  bool interrupted = false;
  /// Stopped by early stopping.
  bool early_stopped = false;
  /// One record per finished epoch (as in metrics.jsonl).
  std::vector<EpochRecord> history;
};

/// Trains `model` on `data`, writing checkpoints and metrics under `run_dir`:
///   run_dir/metrics.jsonl            one EpochRecord per line
///   run_dir/checkpoints/last.pt      resumable state (model, optimizer, scheduler, RNG, ...)
///   run_dir/checkpoints/best.pt      model weights at the best validation loss
/// Checkpoint files are written atomically (temporary file, flush, rename).
class Trainer {
 public:
  /// Throws std::invalid_argument for out-of-range options. Touches no files.
  Trainer(TrainerOptions options, std::string run_dir);

  /// Runs (or, when `resume` is true and run_dir/checkpoints/last.pt exists, continues) the
  /// training. Moves the model to options().device and applies options().threads. A resumed
  /// run continues exactly where the checkpoint left it (on CPU, bit-identical to a run that
  /// was never interrupted); metrics.jsonl is cut back to the checkpoint's epochs. Throws
  /// DivergenceError naming epoch and step when the loss becomes NaN/Inf (the last good
  /// checkpoint is kept), aezoo::Error for an unreadable or mismatching checkpoint.
  FitResult fit(AutoencoderBase& model, const Dataset& data, bool resume = false);

  /// Averages of loss, terms and metrics of `model` over x (eval mode; no grad unless the
  /// model needs it), in batches of eval_batch_size on the model's device. Keys: "loss" and
  /// the names the model reports. Empty when x is undefined or empty. Restores the model's
  /// training mode.
  std::map<std::string, double> evaluate(AutoencoderBase& model, const torch::Tensor& x) const;

  /// Called after every optimizer step with (epoch, step-in-epoch, global step); returning
  /// true requests a clean stop (checkpoint written, as for SIGINT).
  std::function<bool(int64_t, int64_t, int64_t)> on_step;
  /// Called after every epoch with its record (after metrics.jsonl and any checkpoint of
  /// that epoch are written).
  std::function<void(const EpochRecord&)> on_epoch;
  /// Suppresses progress output (a bar on stderr when it is a terminal, one plain line per
  /// epoch otherwise). Default: false.
  bool quiet = false;

  const TrainerOptions& options() const {
    return options_;
  }
  const std::string& run_dir() const {
    return run_dir_;
  }
  /// run_dir/checkpoints/last.pt.
  std::string last_checkpoint_path() const;
  /// run_dir/checkpoints/best.pt.
  std::string best_checkpoint_path() const;
  /// run_dir/metrics.jsonl.
  std::string metrics_path() const;

 private:
  TrainerOptions options_;
  std::string run_dir_;
};

/// Set by the SIGINT handler installed by install_interrupt_handler(); the trainer checks it
/// after every step, and clears it when it stops because of it.
std::atomic<bool>& interrupt_flag();
/// Installs a SIGINT handler that sets interrupt_flag(). It is one-shot: a second Ctrl-C
/// gets the default action (terminate) in case the first cannot be honoured.
void install_interrupt_handler();

/// Loads model weights (only) from a checkpoint file written by the trainer (last.pt or
/// best.pt). Throws aezoo::Error naming the file when it is missing or corrupt.
void load_model_weights(AutoencoderBase& model, const std::string& checkpoint_path);

}  // namespace aezoo
