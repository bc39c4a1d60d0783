// The device-side GEMM, shared by cuda_gemm.cu (host API) and cuda_conv.cu.
#pragma once
#include "gemm.h"

namespace gu {
namespace cuda {

/** Like gu::gemm, but every pointer in d is a device pointer. Uses the kPack* buffers. */
void gemmOnDevice(const GemmProblem<float>& d);

}  // namespace cuda
}  // namespace gu
