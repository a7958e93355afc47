#pragma once
#include <string>

namespace aezoo {
/// aezoo's version, e.g. "0.1.0".
std::string version();
/// The LibTorch version this build was compiled against, e.g. "1.13.1".
std::string torch_version();
}  // namespace aezoo
