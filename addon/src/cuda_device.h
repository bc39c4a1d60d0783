// Device plumbing shared by the CUDA sources: error checks, cached device buffers, copies,
// and a grid-stride loop. Every runtime call goes through check(), so a failure surfaces as a
// CudaError (a JS BackendError), never as a silently wrong result.
#pragma once
#include <cuda_runtime.h>

#include "cuda_launch.h"

#include <cstddef>

#include "errors.h"

namespace gu {
namespace cuda {

/** Throws CudaError("cuda: <what> failed (<code> <name>: <message>)") unless e is cudaSuccess. */
void check(cudaError_t e, const char* what);
/** After a launch: a bad configuration shows here, a fault at the next synchronising copy. */
inline void checkLaunch(const char* what) { check(cudaGetLastError(), what); }
/** Throws CudaError with the device query's reason when there is no usable device. */
void requireDevice(const char* op);

/** Cached device buffers, one per role; each grows on demand and is freed by release(). */
enum Slot { kInA, kInB, kOut, kBias, kCols, kPartial, kPackA, kPackB, kPackC, kFlag, kSlots };
/** At least elems floats, 256-byte aligned; contents are undefined. */
float* buffer(Slot s, size_t elems);

void upload(float* device, const float* host, size_t elems, const char* what);
void download(float* host, const float* device, size_t elems, const char* what);

constexpr int kThreads = 256;
/** Blocks for a grid-stride loop over n items (capped: the loop covers the rest). */
inline unsigned blocksFor(long long n) {
  const long long b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : b > 65535 ? 65535 : b);
}

}  // namespace cuda
}  // namespace gu

/** for (i = global thread index; i < n; i += all threads) */
#define GU_GRID_LOOP(i, n)                                                                  \
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<long long>(blockDim.x) * gridDim.x)
