// Device detection, error reporting and the cached device buffers.
#include <string>

#include "cuda_api.h"
#include "cuda_device.h"

namespace gu {
namespace cuda {
namespace {

/** "cudaErrorInsufficientDriver: CUDA driver version is insufficient …" */
std::string describe(cudaError_t e) { return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e); }

Status query() {
  Status s{true, false, 0, "", ""};
  int count = 0;  // cudaGetDeviceCount leaves it untouched on failure (e.g. 35, no driver)
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    s.code = static_cast<int>(e);
    s.message = describe(e);
    cudaGetLastError();  // clear it, so that it does not surface in a later call
    return s;
  }
  if (count < 1) {
    s.code = static_cast<int>(cudaErrorNoDevice);
    s.message = "the driver reports 0 devices";
    return s;
  }
  cudaDeviceProp prop;
  e = cudaGetDeviceProperties(&prop, 0);
  if (e == cudaSuccess) e = cudaSetDevice(0);
  if (e != cudaSuccess) {
    s.code = static_cast<int>(e);
    s.message = describe(e);
    cudaGetLastError();
    return s;
  }
  const std::string arch = "sm_" + std::to_string(prop.major) + std::to_string(prop.minor);
  if (prop.major < 8) {
    // The kernels are built for sm_80 and sm_90 (CMAKE_CUDA_ARCHITECTURES); an older GPU has no image.
    s.code = static_cast<int>(cudaErrorNoKernelImageForDevice);
    s.message = std::string(prop.name) + " is " + arch +
                "; the addon is built for sm_80+: rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(prop.major) +
                std::to_string(prop.minor);
    return s;
  }
  s.ok = true;
  s.device = std::string(prop.name) + " (" + arch + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB)";
  return s;
}

struct Cached {
  float* ptr = nullptr;
  size_t elems = 0;
};
Cached cache[kSlots];

}  // namespace

const Status& status() {
  static const Status s = query();
  return s;
}

void check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error; a sticky one (a fault) stays with the context
  throw CudaError(std::string("cuda: ") + what + " failed (" + std::to_string(static_cast<int>(e)) + " " + describe(e) + ")");
}

void requireDevice(const char* op) {
  const Status& s = status();
  if (!s.ok) throw CudaError(std::string(op) + ": no CUDA device (" + std::to_string(s.code) + ": " + s.message + ")");
}

float* buffer(Slot slot, size_t elems) {
  Cached& c = cache[slot];
  if (elems <= c.elems && c.ptr) return c.ptr;
  if (c.ptr) check(cudaFree(c.ptr), "cudaFree");
  c.ptr = nullptr;
  c.elems = 0;
  const size_t grown = elems + elems / 4 + 1024;  // some headroom, so that slowly growing shapes do not churn
  void* p = nullptr;
  check(cudaMalloc(&p, grown * sizeof(float)), "cudaMalloc");
  c.ptr = static_cast<float*>(p);
  c.elems = grown;
  return c.ptr;
}

void upload(float* device, const float* host, size_t elems, const char* what) {
  if (elems) check(cudaMemcpy(device, host, elems * sizeof(float), cudaMemcpyHostToDevice), what);
}

void download(float* host, const float* device, size_t elems, const char* what) {
  if (elems) check(cudaMemcpy(host, device, elems * sizeof(float), cudaMemcpyDeviceToHost), what);
}

void release() {
  if (!status().ok) return;
  for (Cached& c : cache) {
    if (c.ptr) cudaFree(c.ptr);  // at exit: nothing useful to do with an error here
    c = Cached();
  }
}

}  // namespace cuda
}  // namespace gu
