#pragma once
// An experiment: the YAML file of DESIGN.md turned into typed options, with the data loaded
// and the model built. `aezoo validate` stops after this; `aezoo train` goes on to train.
#include <string>
#include <vector>

#include "core/config.h"
#include "datasets/dataset.h"
#include "models/model.h"
#include "trainers/trainer.h"

namespace aezoo {

// The experiment schema (every key optional unless marked required; defaults in brackets).
// Unknown keys are errors in every section; keys of other types/data sets count as unknown
// (e.g. `momentum` with `optimizer: adam`).
//
//   name: string, required, non-empty
//   seed: integer >= 0 [1]
//   device: cpu | cuda | auto [cpu]            (cuda without a GPU is an error)
//   data:                                      (mapping; all of it optional)
//     dataset: one of dataset_names() [fashion_mnist]
//     root: string, image sets only: fashion_mnist [/usr/share/datasets/fashion-mnist];
//         mnist: required; idx [""] (may stay empty when the four names are full paths)
//     train_images, train_labels, test_images, test_labels: string, idx only [""] ("" = the
//         MNIST file names inside root)
//     train_file: string, csv only, required;  test_file: string, csv only [""]
//     header: bool, csv only [true];  label_column: string, csv only [""] (name or index)
//     num_points: integer >= 2, synthetic only [2000]
//     noise: number >= 0, synthetic only [0.05]
//     dim: integer >= 1, gaussian_mixture and line only [2]
//     components: integer >= 1, gaussian_mixture only [4]
//     mixture_std: number > 0, gaussian_mixture only [0.3]
//     val_fraction: number in [0, 1) [0.1]
//     limit: integer >= 0 [0] (0 = all)
//     normalize: "" | unit | standard | none [""] ("" = the data set's default)
//     seed: integer >= 0 [the experiment's seed]
//   model:                                     (mapping, required)
//     type: string, required (a registry name); the other keys are read by the registry
//   trainer:                                   (mapping; all of it optional)
//     epochs: integer >= 1 [10];  batch_size: integer >= 1 [128]
//     optimizer: a type name (`optimizer: sgd`) or a mapping:
//       type: one of optimizer_names(): adam | adamw | sgd | rmsprop [adam]
//       lr: number > 0 [0.001]
//       weight_decay: number >= 0 [0; adamw: 0.01] (written out, never the -1 "default")
//       momentum: number in [0, 1), sgd and rmsprop only [0]
//       nesterov: bool, sgd only [false] (needs momentum > 0)
//       beta1: number in [0, 1), adam/adamw only [0.9]
//       beta2: number in [0, 1), adam/adamw only [0.999]
//       eps: number > 0, adam/adamw/rmsprop only [1e-8]
//       alpha: number in [0, 1], rmsprop only [0.99]
//     scheduler: a type name or a mapping:
//       type: one of scheduler_names(): none | step | cosine | plateau [none]
//       step_size: integer >= 1, step only [10];  gamma: number > 0, step only [0.1]
//       min_lr: number in [0, lr], cosine and plateau only [0]
//       factor: number in (0, 1), plateau only [0.5];  patience: integer >= 0, plateau only [3]
//     clip_grad_norm: number >= 0 [0] (0 = off)
//     early_stopping_patience: integer >= 0 [0] (0 = off)   (flat keys, as in TrainerOptions)
//     min_delta: number >= 0 [0]
//     checkpoint_every: integer >= 1 [1]
//     threads: integer >= 0 [0] (0 = the measured default)
//     eval_batch_size: integer >= 1 [1000]
//     finite_check_every: integer >= 0 [0] (0 = every step on CPU, every 25 on GPUs)
//   output:                                    (mapping, required)
//     dir: string, required, non-empty
//     images: bool [true]

struct Experiment {
  /// The experiment file (or "<string>").
  std::string file;
  /// `name:` (required).
  std::string name;
  /// `seed:` Default: 1.
  uint64_t seed = 1;
  /// `device:` cpu | cuda | auto, as written. Default: cpu.
  std::string device_name = "cpu";
  /// The resolved device (auto -> cuda when available, else cpu).
  torch::Device device = torch::kCPU;
  /// `data:` section.
  DataOptions data;
  /// `trainer:` section (seed and device copied in).
  TrainerOptions trainer;
  /// `output.dir:` (required).
  std::string output_dir;
  /// `output.images:` write PNG grids for image data. Default: true.
  bool write_images = true;
  /// `model.type:` (required).
  std::string model_type;
  /// The fully resolved experiment as YAML (every key, defaults included).
  std::string resolved_yaml;
};

/// An experiment with its data loaded and its model built.
struct LoadedExperiment {
  Experiment experiment;
  Dataset data;
  ModelPtr model;
};

/// Reads and validates every section of `path` (after applying `overrides`, each
/// `a.b.c=value`), loads the data set and builds the model through the registry (after
/// torch::manual_seed(seed), so initialisation is reproducible). Throws ConfigError / DataError
/// with file, key path and line; a data option the loader rejects (std::invalid_argument)
/// becomes a ConfigError at the data key its message names (else `data.dataset`).
LoadedExperiment load_experiment(const std::string& path,
                                 const std::vector<std::string>& overrides = {});

/// The same from YAML text (file_label names it in messages). For tests and `resume`.
LoadedExperiment load_experiment_text(const std::string& text,
                                      const std::string& file_label,
                                      const std::vector<std::string>& overrides = {});

/// Reads the top-level sections except `model` into `exp` (used by load_experiment).
/// The model section is left to the registry, which needs the data's input shape; only its
/// presence and `model.type` are checked here. Calls finish() on the root and on every
/// section it reads, so the first unknown key (top-down) is reported before any data is
/// loaded.
void read_experiment_sections(ConfigNode& root, Experiment& exp);

/// Resolves cpu | cuda | auto; throws ConfigError (via `node.fail`) when cuda is asked for
/// and none is available.
torch::Device resolve_device(const std::string& name, ConfigNode& node);

}  // namespace aezoo
