// Tests of trainers/checkpoint.cpp: exact round trips, errors on bad files, atomic writes.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io.h"
#include "models/autoencoder.h"
#include "test_util.h"
#include "trainers/checkpoint.h"

namespace aezoo {
namespace {

constexpr int64_t kDim = 6;

Autoencoder make_model(int64_t latent = 2) {
  return Autoencoder(AutoencoderOptions(NetworkOptions({kDim}, latent).hidden({16}))
                         .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian)));
}

torch::Tensor make_x(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn({n, kDim}, gen);
}

void train_steps(Autoencoder& model, torch::optim::Optimizer& opt, const torch::Tensor& x, int n) {
  for (int i = 0; i < n; ++i) {
    opt.zero_grad();
    model->compute(x).loss().backward();
    opt.step();
  }
}

void expect_same_parameters(Autoencoder& a, Autoencoder& b) {
  const auto pa = a->named_parameters();
  const auto pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) {
    SCOPED_TRACE(item.key());
    EXPECT_TRUE(torch::equal(item.value(), pb[item.key()]));
  }
}

TrainingState sample_state() {
  TrainingState s;
  s.epoch = 3;
  s.step_in_epoch = 5;
  s.global_step = 21;
  s.batch_size = 16;
  s.permutation = torch::randperm(64, torch::kLong);
  s.sum_names = {"loss", "recon", "jacobian norm"};
  s.sums = torch::tensor({1.0 / 3, 2.0 / 7, 1e-300}, torch::kDouble);
  s.examples_seen = 80;
  s.seconds_so_far = 0.125;
  s.best_val_loss = 1.0 / 7;
  s.best_epoch = 2;
  s.stop_reference = 0.2;
  s.bad_epochs = 1;
  EpochRecord r;
  r.epoch = 1;
  r.train = {{"loss", 1.0 / 3}, {"recon", 0.1}};
  r.val = {{"loss", 1.0 / 9}};
  r.val_split = "test";
  r.lr = 1e-3;
  r.seconds = 1.5;
  r.samples_per_second = 1000.0 / 3;
  r.eval_seconds = 0.01;
  s.history = {r, r};
  s.history[1].epoch = 2;
  s.shuffle_rng_state = at::detail::createCPUGenerator(5).get_state();
  capture_global_rng(s);
  return s;
}

void expect_same_state(const TrainingState& a, const TrainingState& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.step_in_epoch, b.step_in_epoch);
  EXPECT_EQ(a.global_step, b.global_step);
  EXPECT_EQ(a.batch_size, b.batch_size);
  EXPECT_TRUE(torch::equal(a.permutation, b.permutation));
  EXPECT_EQ(a.sum_names, b.sum_names);
  EXPECT_TRUE(torch::equal(a.sums, b.sums));
  EXPECT_EQ(a.examples_seen, b.examples_seen);
  EXPECT_EQ(a.seconds_so_far, b.seconds_so_far);
  EXPECT_EQ(a.best_val_loss, b.best_val_loss);
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(a.stop_reference, b.stop_reference);
  EXPECT_EQ(a.bad_epochs, b.bad_epochs);
  EXPECT_EQ(a.finished, b.finished);
  EXPECT_EQ(a.early_stopped, b.early_stopped);
  EXPECT_TRUE(torch::equal(a.shuffle_rng_state, b.shuffle_rng_state));
  EXPECT_TRUE(torch::equal(a.cpu_rng_state, b.cpu_rng_state));
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].epoch, b.history[i].epoch);
    EXPECT_EQ(a.history[i].train, b.history[i].train);
    EXPECT_EQ(a.history[i].val, b.history[i].val);
    EXPECT_EQ(a.history[i].val_split, b.history[i].val_split);
    EXPECT_EQ(a.history[i].lr, b.history[i].lr);
    EXPECT_EQ(a.history[i].seconds, b.history[i].seconds);
    EXPECT_EQ(a.history[i].samples_per_second, b.history[i].samples_per_second);
    EXPECT_EQ(a.history[i].eval_seconds, b.history[i].eval_seconds);
  }
}

TEST(CheckpointTest, RoundTripRestoresWeightsOptimizerStateAndLrExactly) {
  test::TempDir dir;
  const auto x = make_x(32, 1);
  for (const std::string& type : optimizer_names()) {
    SCOPED_TRACE(type);
    OptimizerOptions o;
    o.type = type;
    o.momentum = type == "sgd" || type == "rmsprop" ? 0.9 : 0.0;
    torch::manual_seed(1);
    auto a = make_model();
    auto opt_a = make_optimizer(a->parameters(), o);
    train_steps(a, *opt_a, x, 4);
    set_lr(*opt_a, 0.0123);
    SchedulerOptions so;
    so.type = "plateau";
    LrScheduler sched_a(so, 0.0123, 10);
    sched_a.step(2.0);
    sched_a.step(3.0);
    const TrainingState state_a = sample_state();
    const std::string path = dir.file(type + ".pt");
    save_checkpoint(path, *a, *opt_a, sched_a, state_a);

    torch::manual_seed(2);  // different initial weights
    auto b = make_model();
    auto opt_b = make_optimizer(b->parameters(), o);  // lr 1e-3, empty state
    LrScheduler sched_b(so, 1e-3, 10);
    TrainingState state_b;
    load_checkpoint(path, *b, *opt_b, sched_b, state_b);

    expect_same_parameters(a, b);
    EXPECT_EQ(get_lr(*opt_b), 0.0123);
    EXPECT_EQ(sched_b.lr(), sched_a.lr());
    EXPECT_EQ(sched_b.best(), 2.0);
    EXPECT_EQ(sched_b.bad_epochs(), 1);
    EXPECT_EQ(sched_b.epochs_done(), 2);
    expect_same_state(state_a, state_b);
    // One state entry per parameter that has taken a step (the key type differs between
    // LibTorch 1.13 and 2.x, so compare entries through their effect below).
    EXPECT_EQ(opt_b->state().size(), opt_a->state().size());
    EXPECT_EQ(opt_b->state().size(), a->parameters().size());
    // The restored optimizer state (moments, momentum buffers, step counts) makes the next
    // steps identical.
    train_steps(a, *opt_a, x, 3);
    train_steps(b, *opt_b, x, 3);
    expect_same_parameters(a, b);
  }
}

TEST(CheckpointTest, WeightsFileRoundTrip) {
  test::TempDir dir;
  torch::manual_seed(1);
  auto a = make_model();
  torch::manual_seed(2);
  auto b = make_model();
  const std::string path = dir.file("best.pt");
  save_model_weights(*a, path);
  load_module_weights(*b, path);
  expect_same_parameters(a, b);

  // A weights-only file cannot be resumed from.
  auto opt = make_optimizer(b->parameters(), OptimizerOptions());
  LrScheduler sched(SchedulerOptions(), 1e-3, 1);
  TrainingState state;
  try {
    load_checkpoint(path, *b, *opt, sched, state);
    FAIL() << "expected aezoo::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a resumable checkpoint"), std::string::npos);
  }
}

TEST(CheckpointTest, LoadModelWeightsReadsATrainingCheckpoint) {
  test::TempDir dir;
  torch::manual_seed(1);
  auto a = make_model();
  auto opt = make_optimizer(a->parameters(), OptimizerOptions());
  LrScheduler sched(SchedulerOptions(), 1e-3, 1);
  const std::string path = dir.file("last.pt");
  save_checkpoint(path, *a, *opt, sched, TrainingState());
  torch::manual_seed(2);
  auto b = make_model();
  load_model_weights(*b, path);
  expect_same_parameters(a, b);
}

// Expects `f` to throw aezoo::Error whose message names `path` and contains `what`.
template <typename F>
void expect_error(F&& f, const std::string& path, const std::string& what) {
  try {
    f();
    FAIL() << "expected aezoo::Error for " << path;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(CheckpointTest, CorruptFileGivesErrorNamingIt) {
  test::TempDir dir;
  auto model = make_model();
  auto opt = make_optimizer(model->parameters(), OptimizerOptions());
  LrScheduler sched(SchedulerOptions(), 1e-3, 1);
  TrainingState state;
  const std::string path = dir.file("last.pt");
  test::write_file(path, "this is not a zip archive, just text\n");
  expect_error(
      [&] { load_checkpoint(path, *model, *opt, sched, state); }, path, "corrupt checkpoint");
  expect_error([&] { load_model_weights(*model, path); }, path, "corrupt checkpoint");

  // A valid zip/TorchScript archive that is not an aezoo checkpoint.
  torch::serialize::OutputArchive other;
  other.write("x", torch::ones({2}));
  other.save_to(path);
  expect_error([&] { load_model_weights(*model, path); }, path, "corrupt checkpoint");

  const std::string missing = dir.file("missing.pt");
  expect_error([&] { load_model_weights(*model, missing); }, missing, "cannot read");
}

TEST(CheckpointTest, TruncatedFileGivesErrorNamingIt) {
  test::TempDir dir;
  torch::manual_seed(1);
  auto model = make_model();
  auto opt = make_optimizer(model->parameters(), OptimizerOptions());
  train_steps(model, *opt, make_x(8, 1), 1);
  LrScheduler sched(SchedulerOptions(), 1e-3, 1);
  const std::string good = dir.file("good.pt");
  save_checkpoint(good, *model, *opt, sched, sample_state());
  const std::string bytes = test::read_file(good);
  ASSERT_GT(bytes.size(), 100u);
  const std::string path = dir.file("last.pt");
  for (double fraction : {0.0, 0.1, 0.5, 0.9, 0.999}) {
    SCOPED_TRACE(fraction);
    test::write_file(path, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
    TrainingState state;
    expect_error(
        [&] { load_checkpoint(path, *model, *opt, sched, state); }, path, "corrupt checkpoint");
  }
}

TEST(CheckpointTest, OtherArchitectureGivesError) {
  test::TempDir dir;
  auto small = make_model(2);
  const std::string path = dir.file("best.pt");
  save_model_weights(*small, path);
  auto big = make_model(3);
  const auto before = big->parameters()[0].clone();
  expect_error([&] { load_model_weights(*big, path); }, path, "does not match the model");
  EXPECT_TRUE(torch::equal(before, big->parameters()[0]));  // nothing was changed
}

// An optimizer whose serialisation fails halfway, as a crash or a full disk would.
class FailingAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  void save(torch::serialize::OutputArchive& archive) const override {
    torch::optim::Adam::save(archive);
    throw std::runtime_error("disk full");
  }
};

TEST(CheckpointTest, AFailedWriteLeavesThePreviousCheckpoint) {
  test::TempDir dir;
  const std::string path = dir.file("last.pt");
  torch::manual_seed(1);
  auto model = make_model();
  auto opt = make_optimizer(model->parameters(), OptimizerOptions());
  LrScheduler sched(SchedulerOptions(), 1e-3, 1);
  save_checkpoint(path, *model, *opt, sched, sample_state());
  const auto saved = model->parameters()[0].clone();
  const std::string bytes = test::read_file(path);

  // New weights, then a save that throws in the middle of writing.
  train_steps(model, *opt, make_x(8, 2), 2);
  FailingAdam failing(model->parameters(), torch::optim::AdamOptions(1e-3));
  EXPECT_THROW(save_checkpoint(path, *model, failing, sched, sample_state()), std::runtime_error);
  // A writer that leaves half a file behind before failing.
  EXPECT_THROW(write_atomic_with(path,
                                 [](const std::string& tmp) {
                                   test::write_file(tmp, "PK\x03\x04 half");
                                   throw Error("interrupted");
                                 }),
               Error);

  EXPECT_EQ(test::read_file(path), bytes);
  auto restored = make_model();
  load_model_weights(*restored, path);
  EXPECT_TRUE(torch::equal(restored->parameters()[0], saved));
  // No temporary files are left next to it.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace aezoo
