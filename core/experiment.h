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
/// `a.b.c=value`), loads the data set and builds the model through the registry.
/// Throws ConfigError / DataError with file, key path and line.
LoadedExperiment load_experiment(const std::string& path,
                                 const std::vector<std::string>& overrides = {});

/// The same from YAML text (file_label names it in messages). For tests and `resume`.
LoadedExperiment load_experiment_text(const std::string& text,
                                      const std::string& file_label,
                                      const std::vector<std::string>& overrides = {});

/// Reads the top-level sections except `model` into `exp` (used by load_experiment).
/// The model section is left to the registry, which needs the data's input shape.
void read_experiment_sections(ConfigNode& root, Experiment& exp);

/// Resolves cpu | cuda | auto; throws ConfigError (via `node.fail`) when cuda is asked for
/// and none is available.
torch::Device resolve_device(const std::string& name, ConfigNode& node);

}  // namespace aezoo
