#pragma once
// Optimizers and learning-rate schedules. make_optimizer is the single place where aezoo
// builds an optimizer; schedules set the learning rate of every parameter group once per
// epoch, so they work with any optimizer.
#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace aezoo {

struct OptimizerOptions {
  /// adam | adamw | sgd | rmsprop. Default: adam.
  std::string type = "adam";
  /// Learning rate. Default: 1e-3.
  double lr = 1e-3;
  /// L2 penalty (adam, sgd, rmsprop) or decoupled decay (adamw). A negative value means the
  /// optimizer's own default (see resolved_weight_decay). Default: -1, i.e. 0 (adamw: 1e-2).
  double weight_decay = -1.0;
  /// sgd and rmsprop momentum. Default: 0.
  double momentum = 0.0;
  /// sgd: Nesterov momentum (needs momentum > 0). Default: false.
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
  /// cosine: anneal from lr to min_lr over the run's epochs; plateau: the lr never goes
  /// below it. Default: 0.
  double min_lr = 0.0;
  /// plateau: multiply by factor after `patience` epochs without improvement of the
  /// validation loss (as torch.optim.lr_scheduler.ReduceLROnPlateau: the reduction happens
  /// at the end of the (patience + 1)-th epoch without improvement; an improvement is a
  /// decrease by more than 1e-4 relative). Defaults: 0.5, 3.
  double factor = 0.5;
  int64_t patience = 3;
};

/// Names accepted in OptimizerOptions::type.
std::vector<std::string> optimizer_names();
/// Names accepted in SchedulerOptions::type.
std::vector<std::string> scheduler_names();

/// The weight decay make_optimizer uses: options.weight_decay, or when it is negative the
/// optimizer's default (adamw: 1e-2, the others: 0).
double resolved_weight_decay(const OptimizerOptions& options);

/// Builds the optimizer named by options.type over `params` (one parameter group). Throws
/// std::invalid_argument for an unknown type ("unknown optimizer 'adma' (known: adam, ...)")
/// or an out-of-range option.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params,
                                                        const OptimizerOptions& options);

/// Drops the gradient of every parameter the optimizer holds (PyTorch's
/// zero_grad(set_to_none=True), LibTorch 2.x's default): the next backward then writes each
/// gradient into a fresh tensor instead of adding it to a zeroed one, which saves a memset and
/// an add over every parameter per step. As in PyTorch, a parameter that then receives no
/// gradient is skipped by the step.
void clear_grads(torch::optim::Optimizer& optimizer);

/// Learning rate of the first parameter group.
double get_lr(const torch::optim::Optimizer& optimizer);
/// Sets the learning rate of every parameter group.
void set_lr(torch::optim::Optimizer& optimizer, double lr);
/// Learning rates of all parameter groups, in order.
std::vector<double> get_group_lrs(const torch::optim::Optimizer& optimizer);
/// Sets the learning rate of each parameter group; the sizes must match.
void set_group_lrs(torch::optim::Optimizer& optimizer, const std::vector<double>& lrs);

/// Epoch-level learning-rate schedule. The trainer asks lr() before each epoch, applies it
/// with set_lr, and calls step() with the epoch's validation loss after it. The state
/// (current lr, best loss, bad-epoch counter, epochs done) is saved with checkpoints.
///   none     lr stays at base_lr
///   step     lr_e = base_lr * gamma^floor((e - 1) / step_size) for 1-based epoch e
///   cosine   lr_e = min_lr + (base_lr - min_lr) * (1 + cos(pi * (e - 1) / epochs)) / 2
///   plateau  lr *= factor (floored at min_lr) after more than `patience` bad epochs
class LrScheduler {
 public:
  /// Throws std::invalid_argument for an unknown type or an out-of-range option.
  /// `total_epochs` is the run's length (cosine anneals over it).
  LrScheduler(SchedulerOptions options, double base_lr, int64_t total_epochs);

  /// Learning rate for the next epoch (epochs_done() + 1).
  double lr() const {
    return lr_;
  }
  /// Records the end of an epoch with its validation loss (plateau uses it; the others
  /// ignore it) and returns the learning rate for the next epoch.
  double step(double val_loss);
  /// Epochs recorded by step().
  int64_t epochs_done() const {
    return epochs_done_;
  }
  /// plateau: lowest validation loss seen and epochs since it improved.
  double best() const {
    return best_;
  }
  int64_t bad_epochs() const {
    return bad_epochs_;
  }
  const SchedulerOptions& options() const {
    return options_;
  }

  void save(torch::serialize::OutputArchive& archive) const;
  /// Restores what save() wrote; throws c10::Error when keys are missing.
  void load(torch::serialize::InputArchive& archive);

 private:
  double lr_for_epoch(int64_t epoch) const;  // step and cosine, 1-based
  SchedulerOptions options_;
  double base_lr_;
  int64_t total_epochs_;
  double lr_;
  double best_ = std::numeric_limits<double>::infinity();
  int64_t bad_epochs_ = 0;
  int64_t epochs_done_ = 0;
};

}  // namespace aezoo
