// The groundup addon: N-API bindings for the CPU kernels (AVX2/FMA, threaded) and, through
// cuda_bindings.cc, the CUDA ones.
//
// Calls are synchronous: a long GEMM or conv blocks the JS event loop until it returns, as
// a training loop expects. The JS side passes scalars in one reused Float64Array, so a call
// costs a handful of N-API calls (≈ 1 µs), never a copy of the data.
#include <napi.h>

#include <atomic>
#include <mutex>

#include "args.h"
#include "conv_args.h"
#include "conv2d.h"
#include "cpu_features.h"
#include "cuda_api.h"
#include "elementwise.h"
#include "gemm.h"
#include "kernels_gen.h"
#include "pool.h"
#include "scratch.h"

namespace gu {

namespace {

bool cpuOk = false;
std::atomic<int> liveEnvs{0};
// The kernels share per-thread scratch buffers: calls from several JS threads (worker_threads)
// take turns. Uncontended, the lock costs a few ns.
std::mutex kernelMu;

/** Checks the CPU, then holds the kernel lock for the rest of the binding. */
std::unique_lock<std::mutex> requireCpu(const char* op) {
  if (!cpuOk)
    throw std::runtime_error(std::string(op) + ": this CPU lacks AVX2/FMA (x86-64-v3), which the native kernels need");
  return std::unique_lock<std::mutex>(kernelMu);
}

template <typename T>
Napi::Value Gemm(const Napi::CallbackInfo& info, const char* op) {
  return guarded(info, [&] {
    auto lock = requireCpu(op);
    gemm(gemmArgs<T>(info, op));
  });
}

}  // namespace

// The bindings, declared in kernels_gen.h and exported by registerBindings().
Napi::Value bindGemm(const Napi::CallbackInfo& info) { return Gemm<float>(info, "native gemm"); }
Napi::Value bindGemmF64(const Napi::CallbackInfo& info) { return Gemm<double>(info, "native gemmF64"); }

Napi::Value bindConv2dForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native conv2dForward";
    auto lock = requireCpu(op);
    ConvArrays r = convForwardArgs(info, op);
    conv2dForward(r.g, r.x, r.w, r.bias, r.out);
  });
}

Napi::Value bindConv2dBackwardData(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native conv2dBackwardData";
    auto lock = requireCpu(op);
    ConvArrays r = convBackwardDataArgs(info, op);
    conv2dBackwardData(r.g, r.gy, r.w, r.out);
  });
}

Napi::Value bindConv2dBackwardWeight(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native conv2dBackwardWeight";
    auto lock = requireCpu(op);
    ConvArrays r = convBackwardWeightArgs(info, op);
    conv2dBackwardWeight(r.g, r.x, r.gy, r.out);
  });
}

/** (geometry, image[c,h,w], cols[c·kh·kw, outH·outW]) — one image, as in the Kernels interface. */
Napi::Value bindIm2col(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native im2col";
    auto lock = requireCpu(op);
    ConvGeometry g = convArgs(info, 0, op);
    Span<float> image = arrayArg<float>(info, 1, op, "image"), cols = arrayArg<float>(info, 2, op, "cols");
    needLength(op, "image", image.length, double(g.c) * g.h * g.w, "c·h·w");
    needLength(op, "cols", cols.length, double(g.c) * g.kh * g.kw * g.outH * g.outW, "c·kh·kw·outH·outW");
    im2col(g, image.data, cols.data, g.outH * g.outW);
  });
}

/** (geometry, cols, image): adds cols into image, which the caller zeroes. */
Napi::Value bindCol2im(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native col2im";
    auto lock = requireCpu(op);
    ConvGeometry g = convArgs(info, 0, op);
    Span<float> cols = arrayArg<float>(info, 1, op, "cols"), image = arrayArg<float>(info, 2, op, "image");
    needLength(op, "cols", cols.length, double(g.c) * g.kh * g.kw * g.outH * g.outW, "c·kh·kw·outH·outW");
    needLength(op, "image", image.length, double(g.c) * g.h * g.w, "c·h·w");
    col2im(g, cols.data, g.outH * g.outW, image.data);
  });
}

/** The generated elementwise loops: [key, expr, arrays, params] for each id. */
Napi::Value bindElementwiseKernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int n = elementwiseCount();
  Napi::Array list = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    const ElementwiseInfo k = elementwiseInfo(i);
    Napi::Array e = Napi::Array::New(env, 4);
    e.Set(0u, k.key);
    e.Set(1u, k.expr);
    e.Set(2u, k.arrays);
    e.Set(3u, k.params);
    list.Set(static_cast<uint32_t>(i), e);
  }
  return list;
}

/**
 * (id, P, out, in0, in1, …) with P = [rows, cols, outOffset, outRowStride, (offset, rowStride) per
 * input, the record's parameters…]: one generated loop over float32 rows of `cols` contiguous values.
 */
Napi::Value bindElementwise(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native elementwise";
    auto lock = requireCpu(op);
    if (info.Length() < 1 || !info[0].IsNumber()) throw ArgError(ArgError::Type, std::string(op) + ": the kernel id must be a number");
    const int id = info[0].As<Napi::Number>().Int32Value();
    if (id < 0 || id >= elementwiseCount())
      throw ArgError(ArgError::Range, std::string(op) + ": kernel id " + std::to_string(id) + " is out of range");
    const ElementwiseInfo k = elementwiseInfo(id);
    Params P = paramsArg(info, 1, op, 4 + 2 * k.arrays + k.params);
    const long rows = P.integer(0, "rows", 0), cols = P.integer(1, "cols", 0);
    Span<float> out = arrayArg<float>(info, 2, op, "out");
    const long oo = P.integer(2, "outOffset", 0), ors = P.integer(3, "outRowStride", 0);
    if (rows == 0 || cols == 0) return;
    const auto extent = [&](long off, long rs) { return double(off) + double(rows - 1) * rs + cols; };
    needLength(op, "out", out.length, extent(oo, ors), "outOffset + (rows−1)·outRowStride + cols");
    const float* ins[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
    long rs[5] = {0, 0, 0, 0, 0};
    for (int a = 0; a < k.arrays; a++) {
      Span<float> in = arrayArg<float>(info, 3 + a, op, "input");
      const long off = P.integer(4 + 2 * a, "input offset", 0);
      rs[a] = P.integer(5 + 2 * a, "input row stride", 0);
      needLength(op, "input", in.length, extent(off, rs[a]), "offset + (rows−1)·rowStride + cols");
      ins[a] = in.data + off;
    }
    elementwiseRun(id, rows, cols, P.p + 4 + 2 * k.arrays, out.data + oo, ors, ins, rs);
  });
}

/** (x, P = [offset, outer, channels, inner, divisor], out): out[c] = Σ over [outer, ·, inner] / divisor. */
Napi::Value bindSumOuterInner(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const char* op = "native sumOuterInner";
    auto lock = requireCpu(op);
    Span<float> x = arrayArg<float>(info, 0, op, "x");
    Params P = paramsArg(info, 1, op, kSumParams);
    Span<float> out = arrayArg<float>(info, 2, op, "out");
    const long off = P.integer(kSumOffset, "offset", 0), outer = P.integer(kSumOuter, "outer", 0),
               c = P.integer(kSumChannels, "channels", 0), inner = P.integer(kSumInner, "inner", 1);
    needLength(op, "x", x.length, double(off) + double(outer) * c * inner, "offset + outer·channels·inner");
    needLength(op, "out", out.length, double(c), "channels");
    sumOuterInner(x.data + off, outer, c, inner, out.data, P.number(kSumDivisor));
  });
}

Napi::Value bindInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("avx2", cpuOk);
  o.Set("threads", poolThreads());
  o.Set("cpu", cpuBrand());
  return o;
}

Napi::Value bindSetThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    if (info.Length() < 1 || !info[0].IsNumber())
      throw ArgError(ArgError::Type, "native setThreads: n must be a number");
    const double n = info[0].As<Napi::Number>().DoubleValue();
    if (!(n >= 1 && n <= 64) || n != static_cast<int>(n))
      throw ArgError(ArgError::Range, "native setThreads: n must be an integer in [1, 64]");
    std::lock_guard<std::mutex> lock(kernelMu);
    setPoolThreads(static_cast<int>(n));
  });
}

namespace {

void cleanup(void*) {
  // Buffers and workers are process-wide: release them with the last Node environment.
  if (liveEnvs.fetch_sub(1) != 1) return;
  poolShutdown();
  scratchRelease();
  try {
    cuda::release();
  } catch (...) {
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  cpuOk = cpuHasAvx2Fma();
  liveEnvs.fetch_add(1);
  napi_add_env_cleanup_hook(env, cleanup, nullptr);
  registerBindings(env, exports);
  return exports;
}

}  // namespace
}  // namespace gu

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return gu::Init(env, exports); }
NODE_API_MODULE(groundup_addon, InitModule)
