// GEMM as dot products, for a small C with a long k where A and op(B) both run along k
// (C = A·Bᵀ, row-major): a conv's weight gradient over a batch of small feature maps. Packing
// would cost more than the arithmetic there. Include only from AVX2 units.
#pragma once
#include "gemm.h"

namespace gu {
namespace avx2 {

template <typename T>
inline bool dotShaped(const GemmProblem<T>& p) {
  return !p.transA && p.transB && p.m * p.n <= 2048 && p.k >= 128 && p.k >= 4 * (p.m + p.n);
}

/**
 * Each element of C is summed by one thread, in one order: results do not depend on nthreads.
 * Threads join eagerly (gemm_eager.h); wake says whether sleeping workers are worth waking.
 */
void gemmDot(const GemmProblem<float>& p, int nthreads, bool wake);
void gemmDot(const GemmProblem<double>& p, int nthreads, bool wake);

}  // namespace avx2
}  // namespace gu
