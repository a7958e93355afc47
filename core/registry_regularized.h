#pragma once
// Registry entries of the regularized and probabilistic autoencoders of chapter 14
// (sparse, denoising, dropout, contractive, stochastic, VAE).
#include <vector>

#include "core/registry.h"

namespace aezoo {

/// Appends one ModelEntry per model, in the order `aezoo list` shows them.
void register_regularized_models(std::vector<ModelEntry>& registry);

}  // namespace aezoo
