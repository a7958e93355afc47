#include "core/registry_regularized.h"

namespace aezoo {

void register_regularized_models(std::vector<ModelEntry>& registry) {}

}  // namespace aezoo
