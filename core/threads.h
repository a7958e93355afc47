#pragma once
// Thread settings for LibTorch's intra-op pool and OpenBLAS, chosen together (running both
// pools at full width oversubscribes the cores; DESIGN.md measured 3.5x slower epochs).
#include <cstdint>

namespace aezoo {

/// The default number of intra-op threads on this machine (measured; see README "Threads").
int64_t default_threads();
/// Applies `n` threads (0 = default_threads()) to LibTorch and, when present, OpenBLAS.
/// Returns the number applied.
int64_t apply_threads(int64_t n);

}  // namespace aezoo
