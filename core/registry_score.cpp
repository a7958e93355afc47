#include "core/registry_score.h"

namespace aezoo {

void register_score_models(std::vector<ModelEntry>& registry) {}

}  // namespace aezoo
