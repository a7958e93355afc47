#include "trainers/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>

#include "core/error.h"
#include "core/io.h"
#include "core/threads.h"
#include "trainers/checkpoint.h"

namespace aezoo {

namespace {

std::atomic<bool> g_interrupt{false};

extern "C" void aezoo_on_sigint(int) {
  g_interrupt.store(true);
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The shuffling generator gets its own stream, derived from the run's seed (splitmix64), so
// it does not replay the global generator's numbers used for initialisation and noise.
uint64_t shuffle_seed(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Sums of "loss", the terms and the metrics of a model over examples, kept on the device and
// read once (one synchronisation per epoch, not one per term per step).
class Accumulator {
 public:
  void add(const ModelOutput& out, const torch::Tensor& loss, int64_t batch) {
    std::vector<torch::Tensor> values;
    values.reserve(1 + out.terms.size() + out.metrics.size());
    values.push_back(loss.detach().reshape({}));
    for (const auto& t : out.terms)
      values.push_back(t.second.detach().reshape({}));
    for (const auto& m : out.metrics)
      values.push_back(m.second.detach().reshape({}));
    if (names.empty()) {
      names.push_back("loss");
      for (const auto& t : out.terms)
        names.push_back(t.first);
      for (const auto& m : out.metrics)
        names.push_back(m.first);
    } else if (names.size() != values.size() || !same_names(out)) {
      throw Error("the model reported different loss terms in different batches");
    }
    auto v = torch::stack(values).to(torch::kDouble).mul_(static_cast<double>(batch));
    if (sums.defined())
      sums.add_(v);
    else
      sums = v;
    count += batch;
  }

  std::map<std::string, double> averages() const {
    std::map<std::string, double> out;
    if (!sums.defined() || count == 0)
      return out;
    const auto host = sums.to(torch::kCPU).contiguous();
    const double* p = host.data_ptr<double>();
    for (size_t i = 0; i < names.size(); ++i)
      out[names[i]] = p[i] / static_cast<double>(count);
    return out;
  }

  std::vector<std::string> names;
  torch::Tensor sums;
  int64_t count = 0;

 private:
  bool same_names(const ModelOutput& out) const {
    size_t i = 1;
    for (const auto& t : out.terms)
      if (names[i++] != t.first)
        return false;
    for (const auto& m : out.metrics)
      if (names[i++] != m.first)
        return false;
    return true;
  }
};

// One-line progress: a bar redrawn with \r when stderr is a terminal, otherwise one plain
// line per epoch.
class Progress {
 public:
  Progress(bool quiet, int64_t epochs)
      : enabled_(!quiet), tty_(::isatty(STDERR_FILENO) == 1), epochs_(epochs) {}

  void step(int64_t epoch, int64_t step, int64_t steps, double loss, double seconds) {
    if (!enabled_ || !tty_)
      return;
    const auto now = Clock::now();
    if (step != steps && now - last_draw_ < std::chrono::milliseconds(100))
      return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * step / std::max<int64_t>(steps, 1));
    std::string bar(filled, '=');
    if (filled < kWidth)
      bar += '>' + std::string(kWidth - filled - 1, ' ');
    std::string text = fmt::format(
        "\repoch {}/{} [{}] {}/{}  {:.1f} s", epoch, epochs_, bar, step, steps, seconds);
    if (std::isfinite(loss))
      text += fmt::format("  loss {:.4g}", loss);
    std::fputs(text.c_str(), stderr);
    std::fputs("\033[K", stderr);
    std::fflush(stderr);
  }

  void epoch_end(const EpochRecord& r) {
    if (!enabled_)
      return;
    std::string line = fmt::format("epoch {}/{}", r.epoch, epochs_);
    if (auto it = r.train.find("loss"); it != r.train.end())
      line += fmt::format("  train_loss {:.6g}", it->second);
    if (auto it = r.val.find("loss"); it != r.val.end())
      line += fmt::format("  {}_loss {:.6g}", r.val_split, it->second);
    line += fmt::format(
        "  lr {:.3g}  {:.1f} s  {:.0f} samples/s", r.lr, r.seconds, r.samples_per_second);
    std::fprintf(stderr, "%s%s\n", tty_ ? "\r\033[K" : "", line.c_str());
    std::fflush(stderr);
  }

 private:
  bool enabled_, tty_;
  int64_t epochs_;
  Clock::time_point last_draw_{};
};

void validate(const TrainerOptions& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("trainer " + what); };
  if (o.epochs < 1)
    fail("epochs must be >= 1, got " + std::to_string(o.epochs));
  if (o.batch_size < 1)
    fail("batch_size must be >= 1, got " + std::to_string(o.batch_size));
  if (o.eval_batch_size < 1)
    fail("eval_batch_size must be >= 1, got " + std::to_string(o.eval_batch_size));
  if (o.checkpoint_every < 1)
    fail("checkpoint_every must be >= 1, got " + std::to_string(o.checkpoint_every));
  if (!(o.clip_grad_norm >= 0))
    fail("clip_grad_norm must be >= 0, got " + std::to_string(o.clip_grad_norm));
  if (o.early_stopping_patience < 0)
    fail("early_stopping_patience must be >= 0, got " + std::to_string(o.early_stopping_patience));
  if (!(o.min_delta >= 0))
    fail("min_delta must be >= 0, got " + std::to_string(o.min_delta));
  if (o.threads < 0)
    fail("threads must be >= 0, got " + std::to_string(o.threads));
  if (o.blas_threads < 0)
    fail("blas_threads must be >= 0, got " + std::to_string(o.blas_threads));
  if (o.finite_check_every < 0)
    fail("finite_check_every must be >= 0, got " + std::to_string(o.finite_check_every));
}

std::string loss_word(double v) {
  return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
}

}  // namespace

std::atomic<bool>& interrupt_flag() {
  return g_interrupt;
}

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = aezoo_on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C terminates as usual
  ::sigaction(SIGINT, &sa, nullptr);
}

Json EpochRecord::to_json() const {
  Json j = Json::object();
  j["epoch"] = Json(epoch);
  auto put = [&](const std::string& prefix, const std::map<std::string, double>& m) {
    if (auto it = m.find("loss"); it != m.end())
      j[prefix + "_loss"] = Json(it->second);
  };
  put("train", train);
  put(val_split, val);
  for (const auto& [k, v] : train)
    if (k != "loss")
      j["train_" + k] = Json(v);
  for (const auto& [k, v] : val)
    if (k != "loss")
      j[val_split + "_" + k] = Json(v);
  j["lr"] = Json(lr);
  j["seconds"] = Json(seconds);
  j["samples_per_second"] = Json(samples_per_second);
  j["eval_seconds"] = Json(eval_seconds);
  return j;
}

Trainer::Trainer(TrainerOptions options, std::string run_dir)
    : options_(std::move(options)), run_dir_(std::move(run_dir)) {
  validate(options_);
}

std::string Trainer::last_checkpoint_path() const {
  return (std::filesystem::path(run_dir_) / "checkpoints" / "last.pt").string();
}

std::string Trainer::best_checkpoint_path() const {
  return (std::filesystem::path(run_dir_) / "checkpoints" / "best.pt").string();
}

std::string Trainer::metrics_path() const {
  return (std::filesystem::path(run_dir_) / "metrics.jsonl").string();
}

std::map<std::string, double> Trainer::evaluate(AutoencoderBase& model,
                                                const torch::Tensor& x) const {
  if (!x.defined() || x.dim() == 0 || x.size(0) == 0)
    return {};
  const torch::Device device = model_device(model, options_.device);
  const bool was_training = model.is_training();
  model.eval();
  std::optional<torch::NoGradGuard> no_grad;
  if (!model.needs_grad_in_eval())
    no_grad.emplace();
  Accumulator acc;
  try {
    BatchIterator batches(x, torch::Tensor(), options_.eval_batch_size);
    for (int64_t i = 0; i < batches.num_batches(); ++i) {
      const auto xb = batches.batch(i).first.to(device);
      ModelOutput out = model.compute(xb);
      acc.add(out, out.loss(), xb.size(0));
    }
  } catch (...) {
    model.train(was_training);
    throw;
  }
  model.train(was_training);
  return acc.averages();
}

FitResult Trainer::fit(AutoencoderBase& model, const Dataset& data, bool resume) {
  namespace fs = std::filesystem;
  const TrainerOptions& o = options_;
  if (!data.train_x.defined() || data.train_x.dim() < 1 || data.train_x.size(0) == 0)
    throw Error(data.name + ": the training split is empty");
  apply_threads(o.threads, o.blas_threads);
  const torch::Device device = o.device;
  model.to(device);
  model.train();

  auto optimizer = make_optimizer(model.parameters(), o.optimizer);
  LrScheduler scheduler(o.scheduler, o.optimizer.lr, o.epochs);
  TrainingState st;
  at::Generator shuffle_gen = at::detail::createCPUGenerator(shuffle_seed(o.seed));
  const std::string last_path = last_checkpoint_path();
  const std::string best_path = best_checkpoint_path();
  bool have_checkpoint = false;

  const int64_t n = data.train_x.size(0);
  auto write_metrics = [&] {
    std::string text;
    for (const auto& r : st.history)
      text += r.to_json().dump() + "\n";
    write_file_atomic(metrics_path(), text);
  };

  if (resume && fs::exists(last_path)) {
    load_checkpoint(last_path, model, *optimizer, scheduler, st);
    if (st.step_in_epoch > 0) {
      if (st.permutation.numel() != n)
        throw Error(last_path + ": checkpoint was written for " +
                    std::to_string(st.permutation.numel()) +
                    " training examples; the data set has " + std::to_string(n));
      if (st.batch_size != o.batch_size)
        throw Error(last_path + ": checkpoint stopped inside an epoch with batch_size " +
                    std::to_string(st.batch_size) + "; resume with the same batch_size (got " +
                    std::to_string(o.batch_size) + ")");
    }
    if (st.shuffle_rng_state.defined()) {
      std::lock_guard<std::mutex> lock(shuffle_gen.mutex());
      shuffle_gen.set_state(st.shuffle_rng_state);
    }
    restore_global_rng(st, device);
    // Epochs after the checkpoint are redone: drop their lines.
    write_metrics();
    have_checkpoint = true;
  } else {
    torch::manual_seed(o.seed);
    set_lr(*optimizer, scheduler.lr());
    std::error_code ec;
    fs::remove(metrics_path(), ec);
  }

  FitResult result;
  auto fill_result = [&] {
    result.epochs_completed = static_cast<int64_t>(st.history.size());
    result.steps = st.global_step;
    result.best_val_loss = st.best_val_loss;
    result.best_epoch = st.best_epoch;
    result.early_stopped = st.early_stopped;
    result.history = st.history;
    return result;
  };
  if (st.finished || st.epoch > o.epochs)
    return fill_result();

  auto save = [&] {
    {
      std::lock_guard<std::mutex> lock(shuffle_gen.mutex());
      st.shuffle_rng_state = shuffle_gen.get_state();
    }
    capture_global_rng(st, device);
    save_checkpoint(last_path, model, *optimizer, scheduler, st);
    have_checkpoint = true;
  };
  auto diverged = [&](double value, int64_t epoch, int64_t step, const std::string& what) {
    std::string msg = fmt::format(
        "non-finite {} ({}) at epoch {}, step {}; ", what, loss_word(value), epoch, step);
    msg += have_checkpoint ? "the last good checkpoint is " + last_path
                           : std::string("no checkpoint had been written yet");
    throw DivergenceError(msg);
  };

  // Validation split, or the test split when there is none.
  torch::Tensor eval_x;
  std::string eval_split = "val";
  if (data.val_x.defined() && data.val_x.dim() >= 1 && data.val_x.size(0) > 0) {
    eval_x = data.val_x;
  } else if (data.test_x.defined() && data.test_x.dim() >= 1 && data.test_x.size(0) > 0) {
    eval_x = data.test_x;
    eval_split = "test";
  }

  const torch::Tensor train_x = data.train_x.to(device);
  const int64_t check_every =
      o.finite_check_every > 0 ? o.finite_check_every : (device.is_cpu() ? 1 : 25);
  const auto params = model.parameters();
  Progress progress(quiet, o.epochs);
  constexpr int64_t kNoStep = std::numeric_limits<int64_t>::max();

  while (st.epoch <= o.epochs) {
    Accumulator acc;
    if (st.step_in_epoch == 0) {
      st.permutation = torch::randperm(n, shuffle_gen, torch::TensorOptions(torch::kLong));
      st.batch_size = o.batch_size;
      st.examples_seen = 0;
      st.seconds_so_far = 0;
      set_lr(*optimizer, scheduler.lr());
    } else if (st.sums.defined()) {
      acc.names = st.sum_names;
      acc.sums = st.sums.to(device);
      acc.count = st.examples_seen;
    }
    const BatchIterator batches(train_x, torch::Tensor(), o.batch_size, st.permutation.to(device));
    const int64_t steps = batches.num_batches();
    // Deferred finiteness check (check_every > 1): the first bad step and its loss stay on
    // the device until the next check.
    torch::Tensor first_bad, bad_value;
    int64_t unchecked = 0;
    auto check_deferred = [&] {
      if (!first_bad.defined() || unchecked == 0)
        return;
      unchecked = 0;
      const int64_t step = first_bad.item<int64_t>();
      if (step != kNoStep)
        diverged(bad_value.item<double>(), st.epoch, step, "loss");
    };
    if (check_every > 1) {
      first_bad = torch::full({}, kNoStep, torch::TensorOptions(torch::kLong).device(device));
      bad_value = torch::zeros({}, torch::TensorOptions(torch::kDouble).device(device));
    }

    const auto t0 = Clock::now();
    double last_loss = std::numeric_limits<double>::quiet_NaN();
    for (int64_t b = st.step_in_epoch; b < steps; ++b) {
      const int64_t step = b + 1;
      const torch::Tensor x = batches.batch(b).first;
      clear_grads(*optimizer);
      ModelOutput out = model.compute(x);
      torch::Tensor loss = out.loss();
      if (check_every == 1) {
        last_loss = loss.item<double>();
        if (!std::isfinite(last_loss))
          diverged(last_loss, st.epoch, step, "loss");
      } else {
        const auto l = loss.detach().reshape({}).to(torch::kDouble);
        const auto is_new = torch::isfinite(l).logical_not().logical_and(first_bad.eq(kNoStep));
        first_bad.masked_fill_(is_new, step);
        bad_value = torch::where(is_new, l, bad_value);
        ++unchecked;
      }
      loss.backward();
      if (o.clip_grad_norm > 0)
        torch::nn::utils::clip_grad_norm_(params, o.clip_grad_norm);
      optimizer->step();
      acc.add(out, loss, x.size(0));
      st.step_in_epoch = step;
      ++st.global_step;
      if (unchecked >= check_every)
        check_deferred();
      progress.step(st.epoch, step, steps, last_loss, st.seconds_so_far + seconds_since(t0));

      const bool by_callback = on_step && on_step(st.epoch, step, st.global_step);
      if (by_callback || interrupt_flag().load()) {
        check_deferred();
        st.seconds_so_far += seconds_since(t0);
        st.sum_names = acc.names;
        st.sums = acc.sums;
        st.examples_seen = acc.count;
        save();
        interrupt_flag().store(false);
        result.interrupted = true;
        return fill_result();
      }
    }
    check_deferred();
    st.seconds_so_far += seconds_since(t0);

    // End of epoch: evaluate, record, track the best model, early stopping, schedule.
    EpochRecord rec;
    rec.epoch = st.epoch;
    rec.train = acc.averages();
    rec.lr = get_lr(*optimizer);
    rec.seconds = st.seconds_so_far;
    rec.samples_per_second = rec.seconds > 0 ? static_cast<double>(acc.count) / rec.seconds : 0.0;
    rec.val_split = eval_split;
    const auto t_eval = Clock::now();
    rec.val = evaluate(model, eval_x);
    rec.eval_seconds = seconds_since(t_eval);
    const auto& ref = rec.val.count("loss") ? rec.val : rec.train;
    const double val_loss = ref.at("loss");
    if (!std::isfinite(val_loss))
      diverged(val_loss,
               st.epoch,
               st.step_in_epoch,
               rec.val.count("loss") ? eval_split + " loss" : "loss");

    st.history.push_back(rec);
    if (val_loss < st.best_val_loss) {
      st.best_val_loss = val_loss;
      st.best_epoch = rec.epoch;
      save_model_weights(model, best_path);
    }
    if (val_loss < st.stop_reference - o.min_delta) {
      st.stop_reference = val_loss;
      st.bad_epochs = 0;
    } else {
      ++st.bad_epochs;
    }
    const bool stop_early =
        o.early_stopping_patience > 0 && st.bad_epochs >= o.early_stopping_patience;
    scheduler.step(val_loss);
    write_metrics();

    st.epoch += 1;
    st.step_in_epoch = 0;
    st.permutation = torch::Tensor();
    st.sum_names.clear();
    st.sums = torch::Tensor();
    st.examples_seen = 0;
    st.seconds_so_far = 0;
    st.early_stopped = stop_early;
    st.finished = stop_early || st.epoch > o.epochs;
    const bool interrupted = interrupt_flag().load();
    if (st.finished || interrupted || rec.epoch % o.checkpoint_every == 0)
      save();

    progress.epoch_end(rec);
    if (on_epoch)
      on_epoch(rec);
    if (interrupted) {
      interrupt_flag().store(false);
      result.interrupted = true;
      return fill_result();
    }
    if (stop_early)
      break;
  }
  return fill_result();
}

}  // namespace aezoo
