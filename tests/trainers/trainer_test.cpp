// Tests of trainers/trainer.cpp: the training loop, exact resume, divergence guard, early
// stopping, best-model tracking, metrics.jsonl, interrupts, clipping.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <csignal>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/threads.h"
#include "models/autoencoder.h"
#include "test_util.h"
#include "trainers/checkpoint.h"
#include "trainers/trainer.h"

namespace aezoo {
namespace {

constexpr int64_t kDim = 6;

// A denoising variant: training draws Gaussian corruption from the global generator (so an
// exact resume needs its state), and it reports a metric besides its loss term.
class NoisyAutoencoderImpl : public AutoencoderImpl {
 public:
  using AutoencoderImpl::AutoencoderImpl;
  ModelOutput compute(const torch::Tensor& x) override {
    const torch::Tensor input = is_training() ? x + 0.1 * torch::randn_like(x) : x;
    ModelOutput out;
    out.code = encode(input);
    out.decoder_output = decode_raw(out.code);
    out.terms.emplace_back("recon", likelihood().nll(out.decoder_output, x).mean());
    out.metrics.emplace_back("code_norm", out.code.norm(2, {1}).mean());
    return out;
  }
};

AutoencoderOptions model_options() {
  return AutoencoderOptions(NetworkOptions({kDim}, 2).hidden({16}))
      .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian));
}

std::shared_ptr<NoisyAutoencoderImpl> make_noisy(uint64_t seed) {
  torch::manual_seed(seed);
  return std::make_shared<NoisyAutoencoderImpl>(model_options());
}

Autoencoder make_model(uint64_t seed) {
  torch::manual_seed(seed);
  return Autoencoder(model_options());
}

// Rank-2 data in 6 dimensions plus noise, built by hand (no load_dataset).
Dataset make_data(int64_t n_train = 200, int64_t n_val = 50, int64_t n_test = 50) {
  auto gen = at::detail::createCPUGenerator(42);
  const auto w = torch::randn({2, kDim}, gen);
  auto sample = [&](int64_t n) {
    return torch::randn({n, 2}, gen).mm(w) + 0.1 * torch::randn({n, kDim}, gen);
  };
  Dataset d;
  d.name = "test_rank2";
  d.input_shape = {kDim};
  d.train_x = sample(n_train);
  if (n_val > 0)
    d.val_x = sample(n_val);
  if (n_test > 0)
    d.test_x = sample(n_test);
  return d;
}

TrainerOptions small_options(int64_t epochs = 3) {
  TrainerOptions o;
  o.epochs = epochs;
  o.batch_size = 32;  // 200 examples: 7 steps, the last one of 8 examples
  o.eval_batch_size = 64;
  o.threads = 1;
  o.seed = 7;
  o.optimizer.lr = 1e-2;
  return o;
}

std::vector<torch::Tensor> snapshot(const torch::nn::Module& m) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m.parameters())
    out.push_back(p.detach().clone());
  return out;
}

void expect_params_equal(const torch::nn::Module& m, const std::vector<torch::Tensor>& want) {
  const auto params = m.parameters();
  ASSERT_EQ(params.size(), want.size());
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_TRUE(torch::equal(params[i], want[i]))
        << "parameter " << i << ": max abs diff "
        << (params[i] - want[i]).abs().max().item<double>();
  }
}

std::vector<Json> read_metrics(const std::string& path) {
  std::vector<Json> lines;
  std::istringstream in(test::read_file(path));
  std::string line;
  while (std::getline(in, line))
    lines.push_back(Json::parse(line));
  return lines;
}

struct ResumeCase {
  int64_t epoch, step;
};

TEST(TrainerTest, ResumeEqualsUninterrupted) {
  const Dataset data = make_data();
  TrainerOptions o = small_options(3);
  o.scheduler.type = "step";  // a different lr every epoch: the lr must be restored
  o.scheduler.step_size = 1;
  o.scheduler.gamma = 0.5;

  test::TempDir full_dir;
  auto full = make_noisy(1);
  Trainer full_trainer(o, full_dir.path().string());
  full_trainer.quiet = true;
  const FitResult full_result = full_trainer.fit(*full, data);
  ASSERT_EQ(full_result.epochs_completed, 3);
  const auto want = snapshot(*full);

  // Mid-epoch, the last step of an epoch, and the first step of the last epoch.
  for (const ResumeCase c : {ResumeCase{2, 3}, ResumeCase{1, 7}, ResumeCase{3, 1}}) {
    SCOPED_TRACE("interrupted after epoch " + std::to_string(c.epoch) + ", step " +
                 std::to_string(c.step));
    test::TempDir dir;
    auto first = make_noisy(1);
    Trainer t1(o, dir.path().string());
    t1.quiet = true;
    t1.on_step = [&](int64_t epoch, int64_t step, int64_t) {
      return epoch == c.epoch && step == c.step;
    };
    const FitResult r1 = t1.fit(*first, data);
    EXPECT_TRUE(r1.interrupted);
    EXPECT_EQ(r1.epochs_completed, c.epoch - 1);
    EXPECT_TRUE(std::filesystem::exists(t1.last_checkpoint_path()));

    // A new trainer and a freshly constructed model (other initial weights).
    auto second = make_noisy(99);
    Trainer t2(o, dir.path().string());
    t2.quiet = true;
    const FitResult r2 = t2.fit(*second, data, /*resume=*/true);
    EXPECT_FALSE(r2.interrupted);
    EXPECT_EQ(r2.epochs_completed, 3);
    EXPECT_EQ(r2.steps, full_result.steps);
    expect_params_equal(*second, want);
    ASSERT_EQ(r2.history.size(), full_result.history.size());
    for (size_t i = 0; i < r2.history.size(); ++i) {
      EXPECT_EQ(r2.history[i].train, full_result.history[i].train) << "epoch " << i + 1;
      EXPECT_EQ(r2.history[i].val, full_result.history[i].val) << "epoch " << i + 1;
      EXPECT_EQ(r2.history[i].lr, full_result.history[i].lr) << "epoch " << i + 1;
    }
    const auto lines = read_metrics(t2.metrics_path());
    ASSERT_EQ(lines.size(), 3u);
    for (int64_t i = 0; i < 3; ++i)
      EXPECT_EQ(lines[i].at("epoch").as_int(), i + 1);
    EXPECT_EQ(test::read_file(t2.best_checkpoint_path()).empty(), false);

    // Resuming a finished run does nothing.
    const FitResult r3 = t2.fit(*second, data, /*resume=*/true);
    EXPECT_EQ(r3.epochs_completed, 3);
    EXPECT_EQ(r3.steps, r2.steps);
    expect_params_equal(*second, want);
  }
}

TEST(TrainerTest, CrashResumeDropsLaterMetricsLines) {
  const Dataset data = make_data();
  TrainerOptions o = small_options(4);
  o.checkpoint_every = 2;

  test::TempDir full_dir;
  auto full = make_noisy(1);
  Trainer full_trainer(o, full_dir.path().string());
  full_trainer.quiet = true;
  const FitResult full_result = full_trainer.fit(*full, data);

  // A crash (an exception, no checkpoint) in epoch 4: the last checkpoint is from epoch 2,
  // metrics.jsonl already has 3 lines.
  test::TempDir dir;
  auto first = make_noisy(1);
  Trainer t1(o, dir.path().string());
  t1.quiet = true;
  t1.on_step = [](int64_t epoch, int64_t step, int64_t) -> bool {
    if (epoch == 4 && step == 2)
      throw std::runtime_error("simulated crash");
    return false;
  };
  EXPECT_THROW(t1.fit(*first, data), std::runtime_error);
  EXPECT_EQ(read_metrics(t1.metrics_path()).size(), 3u);

  auto second = make_noisy(5);
  Trainer t2(o, dir.path().string());
  t2.quiet = true;
  int64_t first_epoch_run = 0;
  t2.on_epoch = [&](const EpochRecord& r) {
    if (first_epoch_run == 0)
      first_epoch_run = r.epoch;
  };
  const FitResult r2 = t2.fit(*second, data, true);
  EXPECT_EQ(first_epoch_run, 3);  // epoch 3 is redone
  const auto lines = read_metrics(t2.metrics_path());
  ASSERT_EQ(lines.size(), 4u);
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(lines[i].at("epoch").as_int(), i + 1);
    EXPECT_EQ(r2.history[i].train, full_result.history[i].train);
  }
  expect_params_equal(*second, snapshot(*full));
}

TEST(TrainerTest, SigintSavesACheckpointAndStopsCleanly) {
  const Dataset data = make_data();
  const TrainerOptions o = small_options(2);
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  install_interrupt_handler();
  int64_t last_global = 0;
  t.on_step = [&](int64_t epoch, int64_t step, int64_t global) {
    last_global = global;
    if (epoch == 1 && step == 4)
      std::raise(SIGINT);
    return false;
  };
  const FitResult r = t.fit(*model, data);
  std::signal(SIGINT, SIG_DFL);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(last_global, 4);
  EXPECT_EQ(r.steps, 4);
  EXPECT_FALSE(interrupt_flag().load());  // consumed
  ASSERT_TRUE(std::filesystem::exists(t.last_checkpoint_path()));
  auto restored = make_model(2);
  load_model_weights(*restored, t.last_checkpoint_path());
  expect_params_equal(*restored, snapshot(*model));

  Trainer t2(o, dir.path().string());
  t2.quiet = true;
  const FitResult r2 = t2.fit(*restored, data, true);
  EXPECT_FALSE(r2.interrupted);
  EXPECT_EQ(r2.epochs_completed, 2);
}

TEST(TrainerTest, NanLossThrowsAndKeepsTheLastGoodCheckpoint) {
  Dataset data = make_data();
  const TrainerOptions o = small_options(3);
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  std::vector<torch::Tensor> good;
  torch::Tensor train_x = data.train_x;  // shares storage with data.train_x
  t.on_epoch = [&](const EpochRecord& r) {
    if (r.epoch == 1) {
      good = snapshot(*model);
      train_x.index_put_({17, 2}, std::numeric_limits<float>::quiet_NaN());
    }
  };
  int64_t last_ok_step = 0;
  t.on_step = [&](int64_t epoch, int64_t step, int64_t) {
    if (epoch == 2)
      last_ok_step = step;
    return false;
  };
  try {
    t.fit(*model, data);
    FAIL() << "expected DivergenceError";
  } catch (const DivergenceError& e) {
    const std::string msg = e.what();
    const std::string where = "at epoch 2, step " + std::to_string(last_ok_step + 1) + ";";
    EXPECT_NE(msg.find("non-finite loss (nan)"), std::string::npos) << msg;
    EXPECT_NE(msg.find(where), std::string::npos) << msg << " (expected '" << where << "')";
    EXPECT_NE(msg.find(t.last_checkpoint_path()), std::string::npos) << msg;
  }
  ASSERT_FALSE(good.empty());
  auto restored = make_model(2);
  load_model_weights(*restored, t.last_checkpoint_path());
  expect_params_equal(*restored, good);
  for (const auto& p : restored->parameters())
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  EXPECT_EQ(read_metrics(t.metrics_path()).size(), 1u);
}

TEST(TrainerTest, DeferredFiniteCheckNamesTheFirstBadStep) {
  Dataset data = make_data();
  TrainerOptions o = small_options(3);
  o.finite_check_every = 4;  // the path used on GPUs
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  std::vector<torch::Tensor> good;
  torch::Tensor train_x = data.train_x;
  t.on_epoch = [&](const EpochRecord& r) {
    if (r.epoch == 1) {
      good = snapshot(*model);
      train_x.fill_(std::numeric_limits<float>::infinity());  // every step of epoch 2 is bad
    }
  };
  int64_t steps_seen_in_epoch2 = 0;
  t.on_step = [&](int64_t epoch, int64_t, int64_t) {
    steps_seen_in_epoch2 += epoch == 2;
    return false;
  };
  try {
    t.fit(*model, data);
    FAIL() << "expected DivergenceError";
  } catch (const DivergenceError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("at epoch 2, step 1;"), std::string::npos) << msg;
    EXPECT_NE(msg.find(t.last_checkpoint_path()), std::string::npos) << msg;
  }
  EXPECT_EQ(steps_seen_in_epoch2, 3);  // detected at the check after step 4
  auto restored = make_model(2);
  load_model_weights(*restored, t.last_checkpoint_path());
  expect_params_equal(*restored, good);
}

TEST(TrainerTest, DivergenceBeforeAnyCheckpointSaysSo) {
  Dataset data = make_data();
  data.train_x.index_put_({0, 0}, std::numeric_limits<float>::quiet_NaN());
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(small_options(1), dir.path().string());
  t.quiet = true;
  try {
    t.fit(*model, data);
    FAIL() << "expected DivergenceError";
  } catch (const DivergenceError& e) {
    EXPECT_NE(std::string(e.what()).find("at epoch 1, step"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no checkpoint"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(t.last_checkpoint_path()));
}

TEST(TrainerTest, EarlyStoppingStopsAfterPatienceEpochs) {
  const Dataset data = make_data();
  TrainerOptions o = small_options(10);
  o.early_stopping_patience = 2;
  o.min_delta = 1e9;  // nothing after the first epoch counts as an improvement
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  const FitResult r = t.fit(*model, data);
  EXPECT_TRUE(r.early_stopped);
  EXPECT_EQ(r.epochs_completed, 3);
  EXPECT_EQ(read_metrics(t.metrics_path()).size(), 3u);

  // Resuming an early-stopped run does not train further.
  Trainer t2(o, dir.path().string());
  t2.quiet = true;
  const FitResult r2 = t2.fit(*model, data, true);
  EXPECT_TRUE(r2.early_stopped);
  EXPECT_EQ(r2.epochs_completed, 3);

  // Without early stopping the same run goes on.
  o.early_stopping_patience = 0;
  o.epochs = 4;
  test::TempDir dir2;
  Trainer t3(o, dir2.path().string());
  t3.quiet = true;
  auto model3 = make_model(1);
  EXPECT_EQ(t3.fit(*model3, data).epochs_completed, 4);
}

TEST(TrainerTest, BestCheckpointHoldsTheBestEpochsWeights) {
  const Dataset data = make_data();
  const TrainerOptions o = small_options(4);
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  std::vector<std::vector<torch::Tensor>> weights;
  t.on_epoch = [&](const EpochRecord& r) {
    weights.push_back(snapshot(*model));
    if (r.epoch == 2) {  // wreck the weights: epochs 3 and 4 are worse than epoch 2
      torch::NoGradGuard no_grad;
      for (auto& p : model->parameters())
        p.add_(3.0);
    }
  };
  const FitResult r = t.fit(*model, data);
  ASSERT_EQ(r.history.size(), 4u);
  int64_t best = 1;
  for (const auto& rec : r.history)
    if (rec.val.at("loss") < r.history[best - 1].val.at("loss"))
      best = rec.epoch;
  EXPECT_LE(best, 2);
  EXPECT_EQ(r.best_epoch, best);
  EXPECT_EQ(r.best_val_loss, r.history[best - 1].val.at("loss"));
  auto restored = make_model(2);
  load_model_weights(*restored, t.best_checkpoint_path());
  expect_params_equal(*restored, weights[best - 1]);
}

TEST(TrainerTest, MetricsLinesParseAndHoldTheRequiredKeys) {
  test::TempDir dir;
  auto model = make_noisy(1);
  Trainer t(small_options(2), dir.path().string());
  t.quiet = true;
  const FitResult r = t.fit(*model, make_data());
  const auto lines = read_metrics(t.metrics_path());
  ASSERT_EQ(lines.size(), 2u);
  for (size_t i = 0; i < lines.size(); ++i) {
    const Json& j = lines[i];
    for (const char* key : {"epoch",
                            "train_loss",
                            "val_loss",
                            "train_recon",
                            "val_recon",
                            "train_code_norm",
                            "val_code_norm",
                            "lr",
                            "seconds",
                            "samples_per_second"}) {
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
    }
    EXPECT_EQ(j.at("epoch").as_int(), static_cast<int64_t>(i + 1));
    EXPECT_NEAR(j.at("train_loss").as_number(), r.history[i].train.at("loss"), 1e-6);
    EXPECT_DOUBLE_EQ(j.at("lr").as_number(), 1e-2);
    EXPECT_GT(j.at("seconds").as_number(), 0);
    EXPECT_GT(j.at("samples_per_second").as_number(), 0);
    // The loss is the sum of the terms (one term here).
    EXPECT_NEAR(j.at("val_loss").as_number(), j.at("val_recon").as_number(), 1e-6);
  }
  EXPECT_LT(r.history[1].train.at("loss"), r.history[0].train.at("loss"));

  // Without a validation split the test split is used and named so.
  test::TempDir dir2;
  auto model2 = make_model(1);
  Trainer t2(small_options(1), dir2.path().string());
  t2.quiet = true;
  t2.fit(*model2, make_data(200, 0, 40));
  const auto lines2 = read_metrics(t2.metrics_path());
  ASSERT_EQ(lines2.size(), 1u);
  EXPECT_TRUE(lines2[0].contains("test_loss"));
  EXPECT_FALSE(lines2[0].contains("val_loss"));
}

TEST(TrainerTest, ScheduleSetsTheLrOfEachEpoch) {
  TrainerOptions o = small_options(3);
  o.optimizer.type = "sgd";
  o.optimizer.lr = 0.04;
  o.scheduler.type = "step";
  o.scheduler.step_size = 1;
  o.scheduler.gamma = 0.5;
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  const FitResult r = t.fit(*model, make_data());
  ASSERT_EQ(r.history.size(), 3u);
  EXPECT_DOUBLE_EQ(r.history[0].lr, 0.04);
  EXPECT_DOUBLE_EQ(r.history[1].lr, 0.02);
  EXPECT_DOUBLE_EQ(r.history[2].lr, 0.01);
}

TEST(TrainerTest, ClippingBoundsTheGlobalGradNorm) {
  Dataset data = make_data();
  data.train_x = data.train_x * 100;  // large errors, large gradients
  auto grad_norm = [](const torch::nn::Module& m) {
    double sq = 0;
    for (const auto& p : m.parameters())
      if (p.grad().defined())
        sq += p.grad().pow(2).sum().item<double>();
    return std::sqrt(sq);
  };
  for (const double clip : {0.0, 1.0}) {
    SCOPED_TRACE(clip);
    TrainerOptions o = small_options(1);
    o.clip_grad_norm = clip;
    o.optimizer.type = "sgd";
    o.optimizer.lr = 1e-6;
    test::TempDir dir;
    auto model = make_model(1);
    Trainer t(o, dir.path().string());
    t.quiet = true;
    double max_norm = 0;
    t.on_step = [&](int64_t, int64_t, int64_t) {
      max_norm = std::max(max_norm, grad_norm(*model));  // grads of the step just taken
      return false;
    };
    t.fit(*model, data);
    if (clip > 0)
      EXPECT_LE(max_norm, clip * (1 + 1e-5));
    else
      EXPECT_GT(max_norm, 10.0);  // the bound above is not vacuous
  }
}

TEST(TrainerTest, EvaluateAveragesOverExamplesInEvalMode) {
  const Dataset data = make_data();
  auto model = make_noisy(1);
  TrainerOptions o = small_options(1);
  o.eval_batch_size = 16;  // 50 examples: batches of 16, 16, 16, 2
  Trainer t(o, "unused");
  model->train();
  const auto m = t.evaluate(*model, data.val_x);
  EXPECT_TRUE(model->is_training());  // restored
  model->eval();
  torch::NoGradGuard no_grad;
  const auto full = model->compute(data.val_x);  // eval mode: no noise, deterministic
  EXPECT_NEAR(m.at("loss"), full.loss().item<double>(), 1e-5);
  EXPECT_NEAR(m.at("recon"), full.terms[0].second.item<double>(), 1e-5);
  EXPECT_NEAR(m.at("code_norm"), full.metrics[0].second.item<double>(), 1e-5);
  EXPECT_TRUE(t.evaluate(*model, torch::Tensor()).empty());
}

TEST(TrainerTest, InvalidOptionsThrow) {
  TrainerOptions o;
  o.epochs = 0;
  EXPECT_THROW(Trainer(o, "x"), std::invalid_argument);
  o = TrainerOptions();
  o.batch_size = 0;
  EXPECT_THROW(Trainer(o, "x"), std::invalid_argument);
  o = TrainerOptions();
  o.clip_grad_norm = -1;
  EXPECT_THROW(Trainer(o, "x"), std::invalid_argument);
  o = TrainerOptions();
  o.blas_threads = -1;
  EXPECT_THROW(Trainer(o, "x"), std::invalid_argument);
}

TEST(TrainerTest, FitAppliesTheThreadCount) {
  TrainerOptions o = small_options(1);
  o.threads = 0;  // the measured default
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(o, dir.path().string());
  t.quiet = true;
  torch::set_num_threads(static_cast<int>(default_threads()) + 1);
  t.fit(*model, make_data(64, 16, 0));
  EXPECT_EQ(torch::get_num_threads(), default_threads());
  EXPECT_EQ(apply_threads(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  // OpenBLAS (mandatory with Debian's LibTorch, see scripts/setup.sh) gets its own count
  // when one is given. PyTorch's own LibTorch 2.x builds may use another BLAS.
#if TORCH_VERSION_MAJOR >= 2
  if (blas_threads() == 0)
    GTEST_SKIP() << "the BLAS in use is not OpenBLAS";
#endif
  apply_threads(1, 2);
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_EQ(blas_threads(), 2);
  apply_threads(1);
  EXPECT_EQ(blas_threads(), 1);
}

TEST(TrainerTest, ProgressIsOnePlainLinePerEpochWhenStderrIsNoTerminal) {
  const Dataset data = make_data();
  test::TempDir dir;
  auto model = make_model(1);
  Trainer t(small_options(2), dir.path().string());
  testing::internal::CaptureStderr();  // a file: not a terminal
  t.fit(*model, data);
  const std::string text = testing::internal::GetCapturedStderr();
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_EQ(lines[0].rfind("epoch 1/2  train_loss ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("epoch 2/2  train_loss ", 0), 0u) << lines[1];
  for (const auto& line : lines) {
    EXPECT_NE(line.find("  val_loss "), std::string::npos) << line;
    EXPECT_NE(line.find("  lr 0.01  "), std::string::npos) << line;
    EXPECT_NE(line.find(" samples/s"), std::string::npos) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  }

  test::TempDir dir2;
  Trainer quiet(small_options(1), dir2.path().string());
  quiet.quiet = true;
  testing::internal::CaptureStderr();
  quiet.fit(*model, data);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

// The device paths: data and model on the GPU, CUDA generator state in the checkpoint, the
// deferred finiteness check (every 25 steps by default off the CPU).
TEST(TrainerTest, TrainsResumesAndGuardsOnCuda_CUDA) {
  const torch::Device cuda(torch::kCUDA, 0);
  const Dataset data = make_data();
  TrainerOptions o = small_options(2);
  o.device = cuda;

  test::TempDir full_dir;
  auto full = make_noisy(1);
  Trainer full_trainer(o, full_dir.path().string());
  full_trainer.quiet = true;
  full_trainer.fit(*full, data);
  EXPECT_TRUE(full->parameters()[0].is_cuda());

  test::TempDir dir;
  auto first = make_noisy(1);
  Trainer t1(o, dir.path().string());
  t1.quiet = true;
  t1.on_step = [](int64_t epoch, int64_t step, int64_t) { return epoch == 2 && step == 3; };
  EXPECT_TRUE(t1.fit(*first, data).interrupted);
  auto second = make_noisy(99);
  Trainer t2(o, dir.path().string());
  t2.quiet = true;
  EXPECT_EQ(t2.fit(*second, data, true).epochs_completed, 2);
  const auto want = full->parameters();
  const auto got = second->parameters();
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const double diff = (want[i] - got[i]).abs().max().item<double>();
    EXPECT_LE(diff, 1e-6) << "parameter " << i;
  }

  Dataset bad = make_data();
  bad.train_x = bad.train_x.to(cuda);  // fit uses this tensor as is
  test::TempDir nan_dir;
  auto model = make_model(1);
  Trainer t3(o, nan_dir.path().string());
  t3.quiet = true;
  torch::Tensor train_x = bad.train_x;
  t3.on_epoch = [&](const EpochRecord& r) {
    if (r.epoch == 1)
      train_x.fill_(std::numeric_limits<float>::quiet_NaN());
  };
  try {
    t3.fit(*model, bad);
    FAIL() << "expected DivergenceError";
  } catch (const DivergenceError& e) {
    EXPECT_NE(std::string(e.what()).find("(nan) at epoch 2, step 1;"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace aezoo
