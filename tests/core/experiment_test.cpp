// Experiment files: the schema of core/experiment.h (defaults, ranges, unknown keys), the
// messages users see for bad files and overrides, the resolved YAML, and the whole load (data
// set + registry) on synthetic data.
#include "core/experiment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "test_util.h"

namespace aezoo {
namespace {

/// Reads every section but loads nothing (no data set, no registry).
Experiment read_sections(const std::string& path, const std::vector<std::string>& overrides = {}) {
  ConfigNode root = ConfigNode::load_file(path);
  root.apply_overrides(overrides);
  Experiment exp;
  read_experiment_sections(root, exp);
  exp.resolved_yaml = root.resolved_yaml();
  return exp;
}

Experiment read_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  ConfigNode root = ConfigNode::load_string(text, "exp.yaml");
  root.apply_overrides(overrides);
  Experiment exp;
  read_experiment_sections(root, exp);
  exp.resolved_yaml = root.resolved_yaml();
  return exp;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

/// Every option of two experiments (all but resolved_yaml) is the same.
void expect_same_options(const Experiment& a, const Experiment& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.device_name, b.device_name);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.output_dir, b.output_dir);
  EXPECT_EQ(a.write_images, b.write_images);
  EXPECT_EQ(a.model_type, b.model_type);
  const DataOptions &d = a.data, &e = b.data;
  EXPECT_EQ(d.dataset, e.dataset);
  EXPECT_EQ(d.root, e.root);
  EXPECT_EQ(d.train_images, e.train_images);
  EXPECT_EQ(d.train_labels, e.train_labels);
  EXPECT_EQ(d.test_images, e.test_images);
  EXPECT_EQ(d.test_labels, e.test_labels);
  EXPECT_EQ(d.train_file, e.train_file);
  EXPECT_EQ(d.test_file, e.test_file);
  EXPECT_EQ(d.header, e.header);
  EXPECT_EQ(d.label_column, e.label_column);
  EXPECT_EQ(d.val_fraction, e.val_fraction);
  EXPECT_EQ(d.limit, e.limit);
  EXPECT_EQ(d.normalize, e.normalize);
  EXPECT_EQ(d.num_points, e.num_points);
  EXPECT_EQ(d.noise, e.noise);
  EXPECT_EQ(d.dim, e.dim);
  EXPECT_EQ(d.components, e.components);
  EXPECT_EQ(d.mixture_std, e.mixture_std);
  EXPECT_EQ(d.seed, e.seed);
  const TrainerOptions &t = a.trainer, &u = b.trainer;
  EXPECT_EQ(t.epochs, u.epochs);
  EXPECT_EQ(t.batch_size, u.batch_size);
  EXPECT_EQ(t.optimizer.type, u.optimizer.type);
  EXPECT_EQ(t.optimizer.lr, u.optimizer.lr);
  EXPECT_EQ(t.optimizer.weight_decay, u.optimizer.weight_decay);
  EXPECT_EQ(t.optimizer.momentum, u.optimizer.momentum);
  EXPECT_EQ(t.optimizer.nesterov, u.optimizer.nesterov);
  EXPECT_EQ(t.optimizer.beta1, u.optimizer.beta1);
  EXPECT_EQ(t.optimizer.beta2, u.optimizer.beta2);
  EXPECT_EQ(t.optimizer.eps, u.optimizer.eps);
  EXPECT_EQ(t.optimizer.alpha, u.optimizer.alpha);
  EXPECT_EQ(t.scheduler.type, u.scheduler.type);
  EXPECT_EQ(t.scheduler.step_size, u.scheduler.step_size);
  EXPECT_EQ(t.scheduler.gamma, u.scheduler.gamma);
  EXPECT_EQ(t.scheduler.min_lr, u.scheduler.min_lr);
  EXPECT_EQ(t.scheduler.factor, u.scheduler.factor);
  EXPECT_EQ(t.scheduler.patience, u.scheduler.patience);
  EXPECT_EQ(t.clip_grad_norm, u.clip_grad_norm);
  EXPECT_EQ(t.early_stopping_patience, u.early_stopping_patience);
  EXPECT_EQ(t.min_delta, u.min_delta);
  EXPECT_EQ(t.checkpoint_every, u.checkpoint_every);
  EXPECT_EQ(t.threads, u.threads);
  EXPECT_EQ(t.blas_threads, u.blas_threads);
  EXPECT_EQ(t.eval_batch_size, u.eval_batch_size);
  EXPECT_EQ(t.finite_check_every, u.finite_check_every);
  EXPECT_EQ(t.seed, u.seed);
  EXPECT_EQ(t.device, u.device);
}

// ---- bad experiment files ----------------------------------------------------------------------

struct BadCase {
  std::string name;
  std::string yaml;
  std::vector<std::string> overrides;
  /// Fragments the message must hold; {file} stands for the experiment file's path.
  std::vector<std::string> fragments;
};

// The lines named in the fragments are the lines of the offending key or value in `yaml`.
const std::vector<BadCase>& bad_cases() {
  static const std::vector<BadCase> cases = {
      {"unknown_top_level_key",
       "name: t\n"
       "data: {dataset: circle}\n"
       "model: {type: autoencoder}\n"
       "modle: {latent_dim: 2}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: unknown key 'modle' (allowed: name, seed, device, data, model, trainer, "
        "output)"}},
      {"unknown_nested_key",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: 2\n"
       "  optimizer:\n"
       "    type: adam\n"
       "    lrr: 0.01\n"
       "output: {dir: out}\n",
       {},
       {"{file}:7: unknown key 'trainer.optimizer.lrr' (allowed: type, lr, weight_decay, beta1, "
        "beta2, eps)"}},
      {"key_of_another_optimizer",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  optimizer: {type: adam, momentum: 0.9}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: unknown key 'trainer.optimizer.momentum' (allowed: type, lr, weight_decay, "
        "beta1, beta2, eps)"}},
      {"key_of_another_scheduler",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  scheduler:\n"
       "    type: step\n"
       "    min_lr: 0.1\n"
       "output: {dir: out}\n",
       {},
       {"{file}:6: unknown key 'trainer.scheduler.min_lr' (allowed: type, step_size, gamma)"}},
      {"key_of_another_data_set",
       "name: t\n"
       "data:\n"
       "  dataset: circle\n"
       "  dim: 3\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: unknown key 'data.dim' (allowed: dataset, num_points, noise, val_fraction, "
        "limit, train_limit, normalize, seed)"}},
      {"wrong_type",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: ten\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'trainer.epochs': expected an integer >= 1, got 'ten'"}},
      {"float_for_int",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: 2\n"
       "  batch_size: 1.5\n"
       "output: {dir: out}\n",
       {},
       {"{file}:5: key 'trainer.batch_size': expected an integer >= 1, got '1.5'"}},
      {"mapping_for_int",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: {n: 2}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'trainer.epochs': expected an integer >= 1, got a mapping"}},
      {"missing_name",
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}: missing required key 'name'"}},
      {"empty_name",
       "name: \"\"\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:1: key 'name': expected a non-empty string"}},
      {"missing_output_dir",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output:\n"
       "  images: false\n",
       {},
       {"{file}:3: missing required key 'output.dir'"}},
      {"missing_output",
       "name: t\n"
       "model: {type: autoencoder}\n",
       {},
       {"{file}: missing required key 'output'"}},
      {"missing_model_type",
       "name: t\n"
       "\n"
       "model:\n"
       "  latent_dim: 2\n"
       "output: {dir: out}\n",
       {},
       {"{file}:3: missing required key 'model.type'"}},
      {"missing_model",
       "name: t\n"
       "output: {dir: out}\n",
       {},
       {"{file}: missing required key 'model'"}},
      {"lr_out_of_range",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  optimizer: {type: sgd, lr: -1}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'trainer.optimizer.lr': expected a number > 0, got -1"}},
      {"val_fraction_out_of_range",
       "name: t\n"
       "data:\n"
       "  dataset: circle\n"
       "  val_fraction: 1.5\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'data.val_fraction': expected a number in [0, 1), got 1.5"}},
      {"seed_negative",
       "name: t\n"
       "seed: -1\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:2: key 'seed': expected an integer >= 0, got -1"}},
      {"min_lr_above_lr",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  scheduler: {type: cosine, min_lr: 0.01}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'trainer.scheduler.min_lr': expected a number in [0, 0.001], got 0.01"}},
      {"bad_optimizer_choice",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: 2\n"
       "  optimizer: adma\n"
       "output: {dir: out}\n",
       {},
       {"{file}:5: key 'trainer.optimizer.type': expected one of adam, adamw, sgd, rmsprop, got "
        "'adma'"}},
      {"bad_device_choice",
       "name: t\n"
       "device: gpu\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:2: key 'device': expected one of cpu, cuda, auto, got 'gpu'"}},
      {"bad_data_set_choice",
       "name: t\n"
       "data: {dataset: mnits}\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:2: key 'data.dataset': expected one of fashion_mnist, mnist, idx, csv,",
        "got 'mnits'"}},
      {"bad_normalize",
       "name: t\n"
       "data:\n"
       "  dataset: circle\n"
       "  normalize: zscore\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: key 'data.normalize': expected one of unit, standard, none", "got 'zscore'"}},
      {"bad_bool",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output:\n"
       "  dir: out\n"
       "  images: yes\n",
       {},
       {"{file}:5: key 'output.images': expected true or false, got 'yes'"}},
      {"nesterov_without_momentum",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  optimizer:\n"
       "    type: sgd\n"
       "    nesterov: true\n"
       "output: {dir: out}\n",
       {},
       {"{file}:6: key 'trainer.optimizer.nesterov': Nesterov momentum needs momentum > 0"}},
      {"csv_without_train_file",
       "name: t\n"
       "data:\n"
       "  dataset: csv\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:2: missing required key 'data.train_file'"}},
      {"scalar_where_mapping_expected",
       "name: t\n"
       "data: 5\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {},
       {"{file}:2: key 'data': expected a mapping (key: value pairs), got the scalar '5'"}},
      {"list_where_mapping_expected",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer: [1, 2]\n"
       "output: {dir: out}\n",
       {},
       {"{file}:3: key 'trainer': expected a mapping (key: value pairs), got a list"}},
      {"top_level_not_a_mapping",
       "- name: t\n"
       "- model: {type: autoencoder}\n",
       {},
       {"{file}:1: expected a mapping (key: value pairs) at the top level, got a list"}},
      {"yaml_syntax_error",
       "name: t\n"
       "model:\n"
       "  type: autoencoder\n"
       "  hidden: [64, 32\n"
       "output: {dir: out}\n",
       {},
       {"{file}:4: YAML syntax error: end of sequence flow not found"}},
      {"duplicate_key",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: 2\n"
       "  epochs: 3\n"
       "output: {dir: out}\n",
       {},
       {"{file}:5: duplicate key 'trainer.epochs' (first on line 4)"}},
      {"bad_override_format",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {"trainer.epochs"},
       {"override 'trainer.epochs': expected key.path=value"}},
      {"bad_override_value",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "trainer:\n"
       "  epochs: 5\n"
       "output: {dir: out}\n",
       {"trainer.epochs=ten"},
       {"command-line override trainer.epochs=ten: key 'trainer.epochs': expected an integer >= 1, "
        "got 'ten'"}},
      {"override_of_unknown_key",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {"trainer.epoch=3"},
       {"command-line override trainer.epoch=3: unknown key 'trainer.epoch' (allowed: epochs, "
        "batch_size, optimizer, scheduler, clip_grad_norm, early_stopping_patience, min_delta, "
        "checkpoint_every, threads, blas_threads, eval_batch_size, finite_check_every)"}},
      {"override_yaml_syntax_error",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {"model.hidden=[64, 32"},
       {"command-line override model.hidden=[64, 32: YAML syntax error: "}},
      {"override_replaces_required_section",
       "name: t\n"
       "model: {type: autoencoder}\n"
       "output: {dir: out}\n",
       {"output={images: false}"},
       {"command-line override output={images: false}: missing required key 'output.dir'"}},
  };
  return cases;
}

TEST(ExperimentErrors, EachBadFileGetsItsMessage) {
  test::TempDir dir;
  const std::string path = dir.file("exp.yaml");
  for (const auto& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    test::write_file(path, c.yaml);
    std::string message;
    try {
      read_sections(path, c.overrides);
      ADD_FAILURE() << "no error for " << c.name;
      continue;
    } catch (const ConfigError& e) {
      message = e.what();
    }
    for (std::string fragment : c.fragments) {
      replace_all(fragment, "{file}", path);
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "message: " << message << "\nexpected to contain: " << fragment;
    }
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
  }
}

TEST(ExperimentErrors, UnreadableFile) {
  test::TempDir dir;
  const std::string path = dir.file("nope.yaml");
  try {
    load_experiment(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot read (No such file or directory)");
  }
}

TEST(ExperimentErrors, CudaWithoutGpuIsAnErrorAtTheDeviceKey) {
  if (torch::cuda::is_available()) {
    GTEST_SKIP() << "this machine has CUDA";
  }
  try {
    read_text("name: t\nseed: 1\ndevice: cuda\nmodel: {type: autoencoder}\noutput: {dir: o}\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "exp.yaml:3: key 'device': expected cpu or auto, got 'cuda' (CUDA is not available "
              "on this machine)");
  }
}

TEST(Experiment, DeviceCudaResolves_CUDA) {
  const Experiment exp =
      read_text("name: t\ndevice: cuda\nmodel: {type: autoencoder}\noutput: {dir: o}\n");
  EXPECT_TRUE(exp.device.is_cuda());
  EXPECT_TRUE(exp.trainer.device.is_cuda());
}

// ---- good experiment files ---------------------------------------------------------------------

TEST(Experiment, DefaultsAreFilledInAndResolved) {
  const Experiment exp = read_text(
      "name: t\n"
      "data: {dataset: circle}\n"
      "model: {type: autoencoder, latent_dim: 2}\n"
      "output: {dir: out}\n");
  EXPECT_EQ(exp.file, "exp.yaml");
  EXPECT_EQ(exp.name, "t");
  EXPECT_EQ(exp.seed, 1u);
  EXPECT_EQ(exp.device_name, "cpu");
  EXPECT_EQ(exp.device, torch::Device(torch::kCPU));
  EXPECT_EQ(exp.model_type, "autoencoder");
  EXPECT_EQ(exp.output_dir, "out");
  EXPECT_TRUE(exp.write_images);
  EXPECT_EQ(exp.data.dataset, "circle");
  EXPECT_EQ(exp.data.num_points, 2000);
  EXPECT_EQ(exp.data.seed, 1u);
  EXPECT_EQ(exp.data.normalize, "");
  EXPECT_EQ(exp.trainer.epochs, 10);
  EXPECT_EQ(exp.trainer.optimizer.type, "adam");
  EXPECT_EQ(exp.trainer.optimizer.lr, 1e-3);
  EXPECT_EQ(exp.trainer.seed, 1u);
  EXPECT_EQ(exp.resolved_yaml,
            "name: t\n"
            "seed: 1\n"
            "device: cpu\n"
            "data:\n"
            "  dataset: circle\n"
            "  num_points: 2000\n"
            "  noise: 0.05\n"
            "  val_fraction: 0.1\n"
            "  limit: 0\n"
            "  train_limit: 0\n"
            "  normalize: \"\"\n"
            "  seed: 1\n"
            "model:\n"
            "  type: autoencoder\n"
            "trainer:\n"
            "  epochs: 10\n"
            "  batch_size: 128\n"
            "  optimizer:\n"
            "    type: adam\n"
            "    lr: 0.001\n"
            "    weight_decay: 0.0\n"
            "    beta1: 0.9\n"
            "    beta2: 0.999\n"
            "    eps: 1.0e-08\n"
            "  scheduler:\n"
            "    type: none\n"
            "  clip_grad_norm: 0.0\n"
            "  early_stopping_patience: 0\n"
            "  min_delta: 0.0\n"
            "  checkpoint_every: 1\n"
            "  threads: 0\n"
            "  blas_threads: 0\n"
            "  eval_batch_size: 1000\n"
            "  finite_check_every: 0\n"
            "output:\n"
            "  dir: out\n"
            "  images: true\n");
}

TEST(Experiment, ResolvedYamlReloadsToIdenticalOptions) {
  const std::vector<std::string> files = {
      // csv, sgd with Nesterov, step schedule
      "name: csv_run\n"
      "seed: 42\n"
      "data:\n"
      "  dataset: csv\n"
      "  train_file: /data/train.csv\n"
      "  test_file: \"/data/test 1.csv\"\n"
      "  header: false\n"
      "  label_column: 0\n"
      "  normalize: standard\n"
      "  val_fraction: 0\n"
      "model: {type: autoencoder}\n"
      "trainer:\n"
      "  optimizer: {type: sgd, lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 5e-4}\n"
      "  scheduler: {type: step, step_size: 3, gamma: 0.5}\n"
      "  clip_grad_norm: 1\n"
      "  early_stopping_patience: 4\n"
      "  min_delta: 1e-4\n"
      "output: {dir: \"runs/csv run\", images: false}\n",
      // idx, rmsprop, plateau
      "name: idx_run\n"
      "data:\n"
      "  dataset: idx\n"
      "  root: /data/idx\n"
      "  train_images: a.gz\n"
      "  train_labels: b.gz\n"
      "  test_images: c\n"
      "  test_labels: d\n"
      "  limit: 500\n"
      "model: {type: autoencoder}\n"
      "trainer:\n"
      "  epochs: 3\n"
      "  batch_size: 32\n"
      "  optimizer: {type: rmsprop, alpha: 0.9, eps: 1e-6, momentum: 0.1}\n"
      "  scheduler: {type: plateau, factor: 0.2, patience: 1, min_lr: 1e-5}\n"
      "  checkpoint_every: 2\n"
      "  threads: 2\n"
      "  blas_threads: 1\n"
      "  eval_batch_size: 256\n"
      "  finite_check_every: 5\n"
      "output: {dir: /tmp/idx}\n",
      // synthetic, adamw, cosine, auto device, own data seed
      "name: mix\n"
      "seed: 3\n"
      "device: auto\n"
      "data: {dataset: gaussian_mixture, dim: 3, components: 5, mixture_std: 0.5, noise: 0.2, "
      "num_points: 300, seed: 11}\n"
      "model: {type: autoencoder}\n"
      "trainer:\n"
      "  optimizer: {type: adamw, lr: 3e-4, beta1: 0.5, beta2: 0.99}\n"
      "  scheduler: {type: cosine, min_lr: 1e-6}\n"
      "output: {dir: mix}\n",
      // image sets with their roots
      "name: fm\ndata: {dataset: fashion_mnist}\nmodel: {type: vae}\noutput: {dir: fm}\n",
      "name: m\ndata: {dataset: mnist, root: /m}\nmodel: {type: vae}\noutput: {dir: m}\n",
  };
  for (const auto& text : files) {
    SCOPED_TRACE(text);
    const Experiment first = read_text(text);
    const Experiment again = read_text(first.resolved_yaml);
    expect_same_options(first, again);
    EXPECT_EQ(first.resolved_yaml, again.resolved_yaml);
  }
  // Spot checks that the values were read, not defaulted.
  const Experiment csv = read_text(files[0]);
  EXPECT_EQ(csv.data.label_column, "0");
  EXPECT_EQ(csv.data.test_file, "/data/test 1.csv");
  EXPECT_FALSE(csv.data.header);
  EXPECT_EQ(csv.data.seed, 42u);
  EXPECT_TRUE(csv.trainer.optimizer.nesterov);
  EXPECT_DOUBLE_EQ(csv.trainer.optimizer.weight_decay, 5e-4);
  EXPECT_EQ(csv.trainer.scheduler.step_size, 3);
  EXPECT_EQ(csv.output_dir, "runs/csv run");
  const Experiment mix = read_text(files[2]);
  EXPECT_EQ(mix.data.seed, 11u);
  EXPECT_EQ(mix.data.dim, 3);
  EXPECT_EQ(mix.data.components, 5);
  EXPECT_DOUBLE_EQ(mix.data.mixture_std, 0.5);
  EXPECT_DOUBLE_EQ(mix.trainer.scheduler.min_lr, 1e-6);
  EXPECT_EQ(mix.device.is_cuda(), torch::cuda::is_available());
  EXPECT_EQ(read_text(files[3]).data.root, "/usr/share/datasets/fashion-mnist");
}

TEST(Experiment, OverridesChangeValuesAndCreateMissingKeys) {
  test::TempDir dir;
  const std::string path = dir.file("exp.yaml");
  test::write_file(path,
                   "name: t\n"
                   "data: {dataset: circle, num_points: 200}\n"
                   "model: {type: autoencoder, latent_dim: 2}\n"
                   "trainer:\n"
                   "  epochs: 10\n"
                   "  optimizer: sgd\n"
                   "output: {dir: runs/t}\n");
  const Experiment exp = read_sections(path,
                                       {"trainer.epochs=2",
                                        "trainer.optimizer.lr=0.05",
                                        "trainer.scheduler.type=cosine",
                                        "output.dir=/tmp/r",
                                        "data.num_points=50",
                                        "seed=9"});
  EXPECT_EQ(exp.trainer.epochs, 2);
  EXPECT_EQ(exp.trainer.optimizer.type, "sgd");
  EXPECT_DOUBLE_EQ(exp.trainer.optimizer.lr, 0.05);
  EXPECT_EQ(exp.trainer.scheduler.type, "cosine");
  EXPECT_EQ(exp.output_dir, "/tmp/r");
  EXPECT_EQ(exp.data.num_points, 50);
  EXPECT_EQ(exp.seed, 9u);
  EXPECT_EQ(exp.data.seed, 9u);  // the data seed follows the experiment's
  EXPECT_EQ(exp.trainer.seed, 9u);
  // The resolved YAML holds the overridden values, with no overrides needed to reload it.
  expect_same_options(exp, read_text(exp.resolved_yaml));
}

TEST(Experiment, OptimizerAndSchedulerAcceptTheShortForm) {
  const std::string head = "name: t\nmodel: {type: autoencoder}\noutput: {dir: o}\ntrainer:\n";
  const Experiment a = read_text(head + "  optimizer: sgd\n  scheduler: cosine\n");
  const Experiment b =
      read_text(head + "  optimizer: {type: sgd}\n  scheduler:\n    type: cosine\n");
  expect_same_options(a, b);
  EXPECT_EQ(a.resolved_yaml, b.resolved_yaml);
  EXPECT_EQ(a.trainer.optimizer.type, "sgd");
  EXPECT_EQ(a.trainer.scheduler.type, "cosine");
}

TEST(Experiment, TypeDependentDefaults) {
  const std::string head = "name: t\nmodel: {type: autoencoder}\noutput: {dir: o}\n";
  EXPECT_DOUBLE_EQ(read_text(head + "trainer: {optimizer: adamw}\n").trainer.optimizer.weight_decay,
                   1e-2);
  EXPECT_DOUBLE_EQ(read_text(head + "trainer: {optimizer: adam}\n").trainer.optimizer.weight_decay,
                   0.0);
  const Experiment mix = read_text(head + "data: {dataset: gaussian_mixture}\n");
  EXPECT_EQ(mix.data.dim, 2);
  EXPECT_EQ(mix.data.components, 4);
  const Experiment csv = read_text(head + "data: {dataset: csv, train_file: x.csv}\n");
  EXPECT_TRUE(csv.data.header);
  EXPECT_EQ(csv.data.label_column, "");
  const Experiment seeded = read_text(head + "seed: 5\ndata: {dataset: line}\n");
  EXPECT_EQ(seeded.data.seed, 5u);
}

// ---- the whole load: data set and registry ------------------------------------------------------

const char* const kSmallExperiment =
    "name: small\n"
    "data: {dataset: circle, num_points: 200}\n"
    "model: {type: autoencoder, latent_dim: 2}\n"
    "trainer: {epochs: 1, batch_size: 32}\n"
    "output: {dir: /tmp/aezoo_small}\n";

void expect_same_parameters(AutoencoderBase& a, AutoencoderBase& b, bool same) {
  const auto pa = a.parameters();
  const auto pb = b.parameters();
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_FALSE(pa.empty());
  bool all_equal = true;
  for (size_t i = 0; i < pa.size(); ++i) {
    all_equal = all_equal && pa[i].sizes() == pb[i].sizes() && torch::equal(pa[i], pb[i]);
  }
  EXPECT_EQ(all_equal, same);
}

TEST(LoadExperiment, BuildsDataAndModelAndResolvesEverything) {
  const LoadedExperiment loaded = load_experiment_text(kSmallExperiment, "small.yaml");
  EXPECT_EQ(loaded.experiment.name, "small");
  EXPECT_EQ(loaded.data.input_shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(loaded.data.train_x.size(0) + loaded.data.val_x.size(0) + loaded.data.test_x.size(0),
            200);
  ASSERT_TRUE(loaded.model);
  EXPECT_EQ(loaded.model->type(), "autoencoder");
  EXPECT_EQ(loaded.model->code_dim(), 2);
  const std::string& yaml = loaded.experiment.resolved_yaml;
  EXPECT_NE(yaml.find("model:\n  type: autoencoder\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("  latent_dim: 2\n"), std::string::npos) << yaml;
  // Sections stay in the order of DESIGN.md although the model is read last.
  EXPECT_LT(yaml.find("\ndata:"), yaml.find("\nmodel:"));
  EXPECT_LT(yaml.find("\nmodel:"), yaml.find("\ntrainer:"));

  // The resolved YAML is itself a valid experiment that resolves to the same text and builds
  // the same model (initialisation is seeded).
  const LoadedExperiment again = load_experiment_text(yaml, "config.yaml");
  EXPECT_EQ(again.experiment.resolved_yaml, yaml);
  expect_same_options(loaded.experiment, again.experiment);
  expect_same_parameters(*loaded.model, *again.model, true);
  EXPECT_TRUE(torch::equal(loaded.data.train_x, again.data.train_x));
}

TEST(LoadExperiment, SeedControlsInitialisation) {
  const LoadedExperiment a = load_experiment_text(kSmallExperiment, "a.yaml");
  torch::manual_seed(12345);  // the global state before loading does not matter
  const LoadedExperiment b = load_experiment_text(kSmallExperiment, "b.yaml");
  const LoadedExperiment c = load_experiment_text(kSmallExperiment, "c.yaml", {"seed=2"});
  expect_same_parameters(*a.model, *b.model, true);
  expect_same_parameters(*a.model, *c.model, false);
}

TEST(LoadExperiment, FromFileWithOverrides) {
  test::TempDir dir;
  const std::string path = dir.file("small.yaml");
  test::write_file(path, kSmallExperiment);
  const LoadedExperiment loaded =
      load_experiment(path, {"model.latent_dim=3", "trainer.epochs=4", "output.dir=/tmp/r"});
  EXPECT_EQ(loaded.experiment.file, path);
  EXPECT_EQ(loaded.model->code_dim(), 3);
  EXPECT_EQ(loaded.experiment.trainer.epochs, 4);
  EXPECT_EQ(loaded.experiment.output_dir, "/tmp/r");
  EXPECT_NE(loaded.experiment.resolved_yaml.find("  latent_dim: 3\n"), std::string::npos);
}

std::string load_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_experiment_text(text, "exp.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

TEST(LoadExperiment, ModelSectionIsStrict) {
  const std::string misspelt = load_error(
      "name: t\n"
      "data: {dataset: circle, num_points: 200}\n"
      "model:\n"
      "  type: autoencoder\n"
      "  latent_dim: 2\n"
      "  latnet_dim: 3\n"
      "output: {dir: o}\n");
  EXPECT_EQ(misspelt.rfind("exp.yaml:6: unknown key 'model.latnet_dim' (allowed: type, ", 0), 0u)
      << misspelt;
  EXPECT_NE(misspelt.find("latent_dim"), std::string::npos) << misspelt;

  const std::string unknown = load_error(
      "name: t\n"
      "data: {dataset: circle, num_points: 200}\n"
      "model: {type: vea}\n"
      "output: {dir: o}\n");
  EXPECT_EQ(unknown.rfind("exp.yaml:3: key 'model.type': unknown model 'vea' (known: ", 0), 0u)
      << unknown;

  const std::string overridden = load_error(kSmallExperiment, {"model.latent_dim=0"});
  EXPECT_EQ(
      overridden.rfind("command-line override model.latent_dim=0: key 'model.latent_dim': ", 0), 0u)
      << overridden;
}

TEST(LoadExperiment, DataOptionsTheLoaderRejectsBecomeConfigErrors) {
  // Every key passes the schema; the loader refuses the combination (std::invalid_argument).
  const std::string unit = load_error(
      "name: t\n"
      "data:\n"
      "  dataset: circle\n"
      "  normalize: unit\n"
      "model: {type: autoencoder, latent_dim: 2}\n"
      "output: {dir: o}\n");
  EXPECT_EQ(unit.rfind("exp.yaml:4: key 'data.normalize': ", 0), 0u) << unit;
  EXPECT_EQ(unit.find("data.normalize: data.normalize"), std::string::npos) << unit;

  const std::string split = load_error(
      "name: t\n"
      "data:\n"
      "  dataset: circle\n"
      "  num_points: 2\n"
      "  val_fraction: 0.9\n"
      "model: {type: autoencoder, latent_dim: 2}\n"
      "output: {dir: o}\n");
  EXPECT_EQ(split.rfind("exp.yaml:5: key 'data.val_fraction': ", 0), 0u) << split;
}

TEST(LoadExperiment, MissingDataFilesRaiseDataError) {
  test::TempDir dir;
  const std::string text = "name: t\ndata: {dataset: idx, root: " + dir.file("absent") +
                           "}\nmodel: {type: autoencoder, latent_dim: 2}\noutput: {dir: o}\n";
  EXPECT_THROW(load_experiment_text(text, "exp.yaml"), DataError);
}

}  // namespace
}  // namespace aezoo
