// The CUDA entry points when the addon is built without nvcc (or with WITH_CUDA=OFF).
#include "cuda_api.h"
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

}  // namespace cuda
}  // namespace gu
