// The CUDA entry points when the addon is built without nvcc (or with WITH_CUDA=OFF).
#include "cuda_api.h"
#include "cuda_tensor.h"
#include "errors.h"

namespace gu {
namespace cuda {

const Status& status() {
  static const Status s{false, false, 0, "the addon was built without CUDA (nvcc not found, or GROUNDUP_CUDA=off)", ""};
  return s;
}

static void refuse() { throw CudaError("cuda: not compiled: " + status().message); }

void gemm(const GemmProblem<float>&, long, long, long) { refuse(); }
void conv2dForward(const ConvGeometry&, const float*, const float*, const float*, float*) { refuse(); }
void conv2dBackwardData(const ConvGeometry&, const float*, const float*, float*) { refuse(); }
void conv2dBackwardWeight(const ConvGeometry&, const float*, const float*, float*) { refuse(); }
void release() {}

void* deviceAlloc(size_t, size_t*) { refuse(); return nullptr; }
void deviceFree(void*, size_t) {}
MemoryStats memoryStats() { return MemoryStats{}; }
void resetPeakMemoryStats() {}
void emptyCache() {}
void copyToDevice(void*, const void*, size_t) { refuse(); }
void copyToHost(void*, const void*, size_t) { refuse(); }
void copyOnDevice(void*, const void*, size_t) { refuse(); }
void synchronize() {}
void runExpr(const ExprCall&) { refuse(); }
void reduce(ReduceOp, const float*, void*, long long, long long, long long) { refuse(); }
void indexOp(IndexKind, const float*, const int*, float*, long long, long long, long long, long long) { refuse(); }
long long firstBadIndex(const int*, long long, long long, int*) { refuse(); return -1; }
void pool2d(int, const float*, float*, int*, const int*, const float*, long long, long long, long long, long long, long long) { refuse(); }
void gemmDevice(const GemmProblem<float>&) { refuse(); }
void conv2dForwardDevice(const ConvGeometry&, const float*, const float*, const float*, float*) { refuse(); }
void conv2dBackwardDataDevice(const ConvGeometry&, const float*, const float*, float*) { refuse(); }
void conv2dBackwardWeightDevice(const ConvGeometry&, const float*, const float*, float*) { refuse(); }

}  // namespace cuda
}  // namespace gu
