#pragma once
// Run directories (DESIGN.md): what `aezoo train` writes and `eval`/`export`/`--resume` read.
//   RUN_DIR/config.yaml        the fully resolved experiment
//   RUN_DIR/run.json           model type, input shape, code size, normalisation, versions
//   RUN_DIR/metrics.jsonl      one JSON object per epoch
//   RUN_DIR/checkpoints/       last.pt (resumable), best.pt (best validation weights)
//   RUN_DIR/model.pt           TorchScript export (written at the end of training)
//   RUN_DIR/reconstructions.png  inputs over reconstructions (image data)
#include <string>

#include "core/experiment.h"
#include "core/json.h"

namespace aezoo {

/// A trained run, loaded back: the experiment from config.yaml (data loaded, model built)
/// with the weights of `checkpoint` ("best" or "last") restored, in eval mode.
struct LoadedRun {
  std::string dir;
  LoadedExperiment loaded;
  Json info;  // run.json
};

/// Loads a run directory. Throws aezoo::Error naming the directory or file and what is
/// missing (no config.yaml, no finished checkpoint, a corrupt checkpoint).
LoadedRun load_run(const std::string& run_dir, const std::string& checkpoint = "best");

/// How `aezoo train` treats the output folder.
struct TrainRunOptions {
  /// Continue from RUN_DIR/checkpoints/last.pt.
  bool resume = false;
  /// Allow training into a folder that already holds a run (its files are replaced).
  bool overwrite = false;
  /// No progress output.
  bool quiet = false;
};

/// Trains `loaded` into its output.dir: writes config.yaml and run.json, trains (metrics,
/// checkpoints), then reconstructions.png (image data) and model.pt. Refuses (aezoo::Error)
/// to start a fresh run in a folder that already holds checkpoints unless `overwrite`.
FitResult train_experiment(LoadedExperiment& loaded, const TrainRunOptions& options);

/// Loads RUN_DIR/config.yaml and continues the run (`aezoo train --resume RUN_DIR`).
FitResult resume_run(const std::string& run_dir, const TrainRunOptions& options);

/// Metrics of a loaded run on `split` (train | val | test): loss, each term and metric,
/// number of examples. The JSON object printed by `aezoo eval`.
Json evaluate_run(LoadedRun& run, const std::string& split);

/// Exports a loaded run to `path` (default RUN_DIR/model.pt).
void export_run(LoadedRun& run, const std::string& path);

/// Writes `prefix`reconstructions.png for image data: test inputs over reconstructions.
void write_run_images(const std::string& run_dir, LoadedExperiment& loaded);

/// Metadata of a run / an export: model type, input shape, code size, normalisation (with
/// mean/std for standard), data set, aezoo and LibTorch versions.
Json run_metadata(const LoadedExperiment& loaded);

}  // namespace aezoo
