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

/// Metadata of a run / an export: model type, input shape, code size, normalisation (with
/// mean/std for standard), data set, aezoo and LibTorch versions.
Json run_metadata(const LoadedExperiment& loaded);

}  // namespace aezoo
