#pragma once
// Registry entries of the score models (score matching, sec. 14.5.1).
#include <vector>

#include "core/registry.h"

namespace aezoo {

/// Appends one ModelEntry per score model.
void register_score_models(std::vector<ModelEntry>& registry);

}  // namespace aezoo
