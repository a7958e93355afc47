#pragma once
// Thread settings for LibTorch's intra-op pool and OpenBLAS, chosen together (running both
// pools at full width oversubscribes the cores; DESIGN.md measured 3.5x slower epochs).
#include <cstdint>

namespace aezoo {

/// The default number of intra-op threads on this machine (measured; see README "Threads").
int64_t default_threads();
/// Applies `n` threads (0 = default_threads()) to LibTorch's intra-op pool and `blas_n`
/// threads (0 = the same as n) to OpenBLAS, when it is the BLAS in use. Returns the number
/// of LibTorch threads applied.
int64_t apply_threads(int64_t n, int64_t blas_n = 0);
/// OpenBLAS's current thread count, or 0 when the BLAS in use is not OpenBLAS.
int64_t blas_threads();

}  // namespace aezoo
