#include "trainers/optim.h"

#include "trainers/fused_adam.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace aezoo {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? ", " : "") + names[i];
  return out;
}

void require(bool ok, const std::string& what, double value) {
  if (!ok) {
    std::ostringstream s;
    s << what << ", got " << value;
    throw std::invalid_argument(s.str());
  }
}

}  // namespace

std::vector<std::string> optimizer_names() {
  return {"adam", "adamw", "sgd", "rmsprop"};
}

std::vector<std::string> scheduler_names() {
  return {"none", "step", "cosine", "plateau"};
}

double resolved_weight_decay(const OptimizerOptions& o) {
  if (o.weight_decay >= 0)
    return o.weight_decay;
  return o.type == "adamw" ? 1e-2 : 0.0;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params,
                                                        const OptimizerOptions& o) {
  const auto names = optimizer_names();
  if (std::find(names.begin(), names.end(), o.type) == names.end())
    throw std::invalid_argument("unknown optimizer '" + o.type + "' (known: " + join(names) + ")");
  require(std::isfinite(o.lr) && o.lr > 0, "optimizer lr must be positive", o.lr);
  require(o.momentum >= 0, "optimizer momentum must be >= 0", o.momentum);
  require(o.beta1 >= 0 && o.beta1 < 1, "optimizer beta1 must be in [0, 1)", o.beta1);
  require(o.beta2 >= 0 && o.beta2 < 1, "optimizer beta2 must be in [0, 1)", o.beta2);
  require(o.eps >= 0, "optimizer eps must be >= 0", o.eps);
  require(o.alpha >= 0 && o.alpha <= 1, "optimizer alpha must be in [0, 1]", o.alpha);
  const double wd = resolved_weight_decay(o);

  if (o.type == "adam") {
    return std::make_unique<FusedAdam>(std::move(params),
                                       torch::optim::AdamOptions(o.lr)
                                           .betas(std::make_tuple(o.beta1, o.beta2))
                                           .eps(o.eps)
                                           .weight_decay(wd));
  }
  if (o.type == "adamw") {
    return std::make_unique<FusedAdamW>(std::move(params),
                                        torch::optim::AdamWOptions(o.lr)
                                            .betas(std::make_tuple(o.beta1, o.beta2))
                                            .eps(o.eps)
                                            .weight_decay(wd));
  }
  if (o.type == "sgd") {
    if (o.nesterov && o.momentum <= 0)
      throw std::invalid_argument("optimizer nesterov needs momentum > 0");
    return std::make_unique<torch::optim::SGD>(
        std::move(params),
        torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(wd));
  }
  // rmsprop
  return std::make_unique<torch::optim::RMSprop>(std::move(params),
                                                 torch::optim::RMSpropOptions(o.lr)
                                                     .alpha(o.alpha)
                                                     .eps(o.eps)
                                                     .momentum(o.momentum)
                                                     .weight_decay(wd));
}

double get_lr(const torch::optim::Optimizer& optimizer) {
  TORCH_CHECK(!optimizer.param_groups().empty(), "optimizer has no parameter groups");
  return optimizer.param_groups().front().options().get_lr();
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    group.options().set_lr(lr);
}

std::vector<double> get_group_lrs(const torch::optim::Optimizer& optimizer) {
  std::vector<double> lrs;
  for (const auto& group : optimizer.param_groups())
    lrs.push_back(group.options().get_lr());
  return lrs;
}

void set_group_lrs(torch::optim::Optimizer& optimizer, const std::vector<double>& lrs) {
  auto& groups = optimizer.param_groups();
  TORCH_CHECK(groups.size() == lrs.size(),
              "expected ",
              groups.size(),
              " learning rates (one per parameter group), got ",
              lrs.size());
  for (size_t i = 0; i < lrs.size(); ++i)
    groups[i].options().set_lr(lrs[i]);
}

LrScheduler::LrScheduler(SchedulerOptions options, double base_lr, int64_t total_epochs)
    : options_(std::move(options)), base_lr_(base_lr), total_epochs_(total_epochs) {
  const auto names = scheduler_names();
  if (std::find(names.begin(), names.end(), options_.type) == names.end())
    throw std::invalid_argument("unknown scheduler '" + options_.type + "' (known: " + join(names) +
                                ")");
  require(std::isfinite(base_lr) && base_lr > 0, "scheduler base lr must be positive", base_lr);
  require(total_epochs >= 1, "scheduler needs at least one epoch", double(total_epochs));
  require(options_.step_size >= 1, "scheduler step_size must be >= 1", double(options_.step_size));
  require(options_.gamma > 0, "scheduler gamma must be positive", options_.gamma);
  require(options_.min_lr >= 0, "scheduler min_lr must be >= 0", options_.min_lr);
  require(options_.factor > 0 && options_.factor < 1,
          "scheduler factor must be in (0, 1)",
          options_.factor);
  require(options_.patience >= 0, "scheduler patience must be >= 0", double(options_.patience));
  lr_ = lr_for_epoch(1);
}

double LrScheduler::lr_for_epoch(int64_t epoch) const {
  if (options_.type == "step") {
    return base_lr_ *
           std::pow(options_.gamma, static_cast<double>((epoch - 1) / options_.step_size));
  }
  if (options_.type == "cosine") {
    // Loshchilov & Hutter 2017 (SGDR) without restarts, as torch's CosineAnnealingLR with
    // T_max = epochs, in closed form so a resumed run gets bit-identical values.
    const double t = static_cast<double>(std::min(epoch - 1, total_epochs_));
    const double pi = std::acos(-1.0);
    return options_.min_lr +
           (base_lr_ - options_.min_lr) * (1 + std::cos(pi * t / total_epochs_)) / 2;
  }
  return base_lr_;  // none; plateau starts here
}

double LrScheduler::step(double val_loss) {
  ++epochs_done_;
  if (options_.type == "plateau") {
    if (std::isfinite(val_loss) && val_loss < best_ - 1e-4 * std::abs(best_)) {
      best_ = val_loss;
      bad_epochs_ = 0;
    } else if (!std::isfinite(best_) && std::isfinite(val_loss)) {
      best_ = val_loss;  // first finite value
      bad_epochs_ = 0;
    } else {
      ++bad_epochs_;
    }
    if (bad_epochs_ > options_.patience) {
      lr_ = std::max(lr_ * options_.factor, options_.min_lr);
      bad_epochs_ = 0;
    }
  } else {
    lr_ = lr_for_epoch(epochs_done_ + 1);
  }
  return lr_;
}

void LrScheduler::save(torch::serialize::OutputArchive& archive) const {
  archive.write("type", c10::IValue(options_.type));
  archive.write("lr", c10::IValue(lr_));
  archive.write("best", c10::IValue(best_));
  archive.write("bad_epochs", c10::IValue(bad_epochs_));
  archive.write("epochs_done", c10::IValue(epochs_done_));
}

void LrScheduler::load(torch::serialize::InputArchive& archive) {
  c10::IValue v;
  archive.read("lr", v);
  const double lr = v.toDouble();
  archive.read("best", v);
  const double best = v.toDouble();
  archive.read("bad_epochs", v);
  const int64_t bad = v.toInt();
  archive.read("epochs_done", v);
  const int64_t done = v.toInt();
  // A resumed run may change a step or cosine schedule: recompute its lr from the epoch count.
  archive.read("type", v);
  lr_ =
      v.toStringRef() == options_.type || options_.type == "plateau" ? lr : lr_for_epoch(done + 1);
  best_ = best;
  bad_epochs_ = bad;
  epochs_done_ = done;
}

void clear_grads(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params())
      p.mutable_grad().reset();
  }
}

}  // namespace aezoo
