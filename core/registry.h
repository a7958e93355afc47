#pragma once
// The model registry, keyed by the YAML `model.type`. Explicit registration: one line per
// model in register_builtin_models() (static self-registration loses entries when linked
// statically, Caffe #2159).
#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "models/model.h"

namespace aezoo {

/// Builds a model from its YAML section (every option read through `node`, so unknown keys
/// are caught by node.finish()) for examples of shape `input_shape`.
using ModelBuilder =
    std::function<ModelPtr(ConfigNode& node, const std::vector<int64_t>& input_shape)>;

struct ModelEntry {
  std::string name;
  /// One line shown by `aezoo list`.
  std::string summary;
  ModelBuilder build;
};

/// All registered models, in registration order.
const std::vector<ModelEntry>& model_registry();
/// Names of the registered models.
std::vector<std::string> model_names();
/// Builds `node`'s model (node is the `model:` section; its `type` key picks the entry).
/// Throws ConfigError "unknown model 'vea' (known: autoencoder, ...)".
ModelPtr build_model(ConfigNode& node, const std::vector<int64_t>& input_shape);

}  // namespace aezoo
