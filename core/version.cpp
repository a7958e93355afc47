#include "core/version.h"

#include <torch/version.h>

namespace aezoo {
std::string version() {
  return AEZOO_VERSION;
}
std::string torch_version() {
  return TORCH_VERSION;
}
}  // namespace aezoo
