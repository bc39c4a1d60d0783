// The CPU GEMM: C[b] = alpha·op(A[b])·op(B[b]) + beta·C[b], row-major, as in the Kernels
// interface (packages/kernels/src/backend.ts). Pointers already include the offsets.
// Compiled for AVX2/FMA: call only after cpuHasAvx2Fma() (cpu_features.h) said yes.
#pragma once

namespace gu {

template <typename T>
struct GemmProblem {
  bool transA, transB;
  long m, n, k;
  T alpha;
  int beta;  // 0 (C is not read) or 1
  const T* a; long lda, strideA;
  const T* b; long ldb, strideB;
  T* c; long ldc, strideC;
  long batch;
};

/** Threaded over the pool when the problem is large enough. */
void gemm(const GemmProblem<float>& p);
void gemm(const GemmProblem<double>& p);

/** Single-threaded, using thread tid's scratch: for callers that already run inside a pool task. */
void gemmSerial(const GemmProblem<float>& p, int tid);

/** Reserves thread tid's packing buffers for a problem of this size (call before poolRun). */
void gemmReserve(int tid, long m, long n, long k);

}  // namespace gu
