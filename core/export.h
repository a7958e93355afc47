#pragma once
// TorchScript export of any aezoo model. The file loads with torch::jit::load (C++) and
// torch.jit.load (Python) without aezoo. Methods: forward(x), encode(x), decode(h), and
// encode_distribution / sample / score where the model has them. Extra files inside the
// archive: "config.yaml" (the resolved experiment) and "metadata.json" (see run_metadata).
#include <torch/script.h>

#include <string>

#include "core/json.h"
#include "models/model.h"

namespace aezoo {

/// Builds the scripted module from `model`'s parameters (copied to the CPU, eval mode).
torch::jit::Module export_module(AutoencoderBase& model);

/// Exports `model` to `path` atomically with the two extra files. Throws aezoo::Error
/// naming the path on failure; never leaves a partial file.
void save_export(AutoencoderBase& model,
                 const std::string& path,
                 const Json& metadata,
                 const std::string& config_yaml);

/// Reads the extra files of an exported module (for tests and tools): {"config.yaml": ...,
/// "metadata.json": ...}. Throws aezoo::Error when the file is not an aezoo export.
std::pair<std::string, Json> read_export_extras(const std::string& path);

}  // namespace aezoo
