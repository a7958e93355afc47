#pragma once
// Checkpoints: one file holding everything a run needs to continue exactly (model, optimizer
// with the learning rate of every group, schedule, RNG states, position inside the epoch,
// partial sums, best-model and early-stopping bookkeeping, the metrics history), written
// atomically so that a crash at any moment leaves the previous file intact.
#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "trainers/optim.h"
#include "trainers/trainer.h"

namespace aezoo {

/// The trainer's own state: everything besides model, optimizer and schedule that a run
/// needs to continue exactly.
struct TrainingState {
  /// The epoch in progress, or the next one to run (1-based). Default: 1.
  int64_t epoch = 1;
  /// Optimizer steps done in `epoch`; 0 = the epoch has not started. Default: 0.
  int64_t step_in_epoch = 0;
  /// Optimizer steps done in the whole run. Default: 0.
  int64_t global_step = 0;
  /// Batch size the steps of `epoch` were taken with (a mid-epoch resume needs the same).
  int64_t batch_size = 0;
  /// Order of the training examples in `epoch`, int64 [N]; undefined when step_in_epoch is 0.
  torch::Tensor permutation;
  /// Names of the accumulated quantities ("loss", then the model's terms and metrics) and
  /// their sums over the examples of `epoch` seen so far (float64 [names]; undefined when
  /// none), and how many examples that is.
  std::vector<std::string> sum_names;
  torch::Tensor sums;
  int64_t examples_seen = 0;
  /// Training seconds spent in `epoch` so far. Default: 0.
  double seconds_so_far = 0;
  /// Lowest validation loss (best.pt holds its weights) and its epoch (0 = none yet).
  double best_val_loss = std::numeric_limits<double>::infinity();
  int64_t best_epoch = 0;
  /// Early stopping: the loss an epoch must beat by min_delta, and epochs that did not.
  double stop_reference = std::numeric_limits<double>::infinity();
  int64_t bad_epochs = 0;
  /// The run is over (all epochs done, or stopped early). Defaults: false.
  bool finished = false;
  bool early_stopped = false;
  /// One record per completed epoch (what metrics.jsonl holds).
  std::vector<EpochRecord> history;
  /// Generator states: the shuffling generator, the global CPU generator (model noise) and,
  /// when CUDA is in use, the default CUDA generator (undefined otherwise).
  torch::Tensor shuffle_rng_state, cpu_rng_state, cuda_rng_state;
};

/// Stores the global CPU generator's state (and the default CUDA generator's for a CUDA
/// `device`) in state.cpu_rng_state / state.cuda_rng_state.
void capture_global_rng(TrainingState& state, torch::Device device = torch::kCPU);
/// Sets the global generators back to the states capture_global_rng stored.
void restore_global_rng(const TrainingState& state, torch::Device device = torch::kCPU);

/// Writes a resumable checkpoint to `path` atomically (temporary file, flush, rename).
/// Throws aezoo::Error naming the path when it cannot be written.
void save_checkpoint(const std::string& path,
                     const torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer,
                     const LrScheduler& scheduler,
                     const TrainingState& state);

/// Restores what save_checkpoint wrote into `model` (same architecture: names and shapes are
/// checked), `optimizer` (same type and parameters; its per-step state and the learning rate
/// of every group), `scheduler` and `state`. Nothing is changed unless the whole file reads.
/// Throws aezoo::Error "PATH: cannot read (...)", "PATH: corrupt checkpoint (...)" or
/// "PATH: ... does not match the model (...)".
void load_checkpoint(const std::string& path,
                     torch::nn::Module& model,
                     torch::optim::Optimizer& optimizer,
                     LrScheduler& scheduler,
                     TrainingState& state);

/// Writes only the parameters and buffers of `model` (what best.pt holds), atomically.
void save_model_weights(const torch::nn::Module& model, const std::string& path);

/// Loads the parameters and buffers of `model` from a checkpoint or weights file written by
/// save_checkpoint or save_model_weights, on the model's device. Throws aezoo::Error naming
/// the file when it is missing, corrupt, or written for another architecture.
void load_module_weights(torch::nn::Module& model, const std::string& path);

}  // namespace aezoo
