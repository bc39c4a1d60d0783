// The CUDA side of the addon as plain C++ (no N-API), implemented by cuda_*.cu when nvcc is
// found and by cuda_stub.cc otherwise. Host pointers in, host pointers out: each call copies
// its operands through cached device buffers. Failures throw CudaError.
#pragma once
#include <string>

#include "conv2d.h"
#include "gemm.h"

namespace gu {
namespace cuda {

struct Status {
  bool compiled;        // false: built without CUDA (stub)
  bool ok;              // a device answered
  int code;             // the cudaError_t of the failed query, 0 when ok
  std::string message;  // e.g. "cudaErrorInsufficientDriver: CUDA driver version is insufficient ..."
  std::string device;   // e.g. "NVIDIA A100-SXM4-80GB (sm_80)", when ok
};

/** Queried once, then cached. Never throws. */
const Status& status();

/** p's pointers are host pointers (offsets applied); [p.a, p.a + aSpan) etc. are copied. */
void gemm(const GemmProblem<float>& p, long aSpan, long bSpan, long cSpan);
void conv2dForward(const ConvGeometry& g, const float* input, const float* weight, const float* bias, float* out);
void conv2dBackwardData(const ConvGeometry& g, const float* gradOut, const float* weight, float* gradInput);
void conv2dBackwardWeight(const ConvGeometry& g, const float* input, const float* gradOut, float* gradWeight);

/** Frees the cached device buffers (at exit). */
void release();

}  // namespace cuda
}  // namespace gu
