// N-API bindings for the CUDA kernels (cuda_api.h). Compiled with the host compiler whether
// or not CUDA is: without it, cuda_stub.cc answers "not compiled".
#include <napi.h>

#include <mutex>

#include "args.h"
#include "conv_args.h"
#include "cuda_api.h"
#include "kernels_gen.h"

namespace gu {
namespace {

std::mutex deviceMu;  // the cached device buffers serve one call at a time

/** Elements from the (offset) start of an operand to one past its last element. */
long span(long batch, long stride, long rows, long ld, long cols) {
  if (batch <= 0 || rows <= 0 || cols <= 0) return 0;
  return (batch - 1) * stride + (rows - 1) * ld + cols;
}

}  // namespace

// The CUDA bindings, declared in kernels_gen.h and exported by registerBindings().
Napi::Value bindCudaInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cuda::Status& s = cuda::status();
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", s.compiled);
  o.Set("ok", s.ok);
  o.Set("code", s.code);
  o.Set("message", s.message);
  o.Set("device", s.device);
  return o;
}

Napi::Value bindCudaGemm(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    GemmProblem<float> p = gemmArgs<float>(info, "cuda gemm");
    if (p.m <= 0 || p.n <= 0 || p.batch <= 0) return;
    const bool reads = p.k > 0;
    std::lock_guard<std::mutex> lock(deviceMu);
    cuda::gemm(p, reads ? span(p.batch, p.strideA, p.transA ? p.k : p.m, p.lda, p.transA ? p.m : p.k) : 0,
               reads ? span(p.batch, p.strideB, p.transB ? p.n : p.k, p.ldb, p.transB ? p.k : p.n) : 0,
               span(p.batch, p.strideC, p.m, p.ldc, p.n));
  });
}

Napi::Value bindCudaConv2dForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvArrays r = convForwardArgs(info, "cuda conv2dForward");
    std::lock_guard<std::mutex> lock(deviceMu);
    cuda::conv2dForward(r.g, r.x, r.w, r.bias, r.out);
  });
}

Napi::Value bindCudaConv2dBackwardData(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvArrays r = convBackwardDataArgs(info, "cuda conv2dBackwardData");
    std::lock_guard<std::mutex> lock(deviceMu);
    cuda::conv2dBackwardData(r.g, r.gy, r.w, r.out);
  });
}

Napi::Value bindCudaConv2dBackwardWeight(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvArrays r = convBackwardWeightArgs(info, "cuda conv2dBackwardWeight");
    std::lock_guard<std::mutex> lock(deviceMu);
    cuda::conv2dBackwardWeight(r.g, r.x, r.gy, r.out);
  });
}

}  // namespace gu
